"""resend_certificate_events writes fresh events (new ids) stating each certificate as it is now."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coursecerts.certificates.services import certificate_generate, certificate_invalidate
from coursecerts.events.models import EventTypes, OutgoingEvent
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


def resend(*args):
    out = StringIO()
    call_command("resend_certificate_events", *args, stdout=out)
    return out.getvalue()


def test_a_course_s_certificates_are_sent_again_as_they_are_now(course):
    passing, revoked, failing = (learner_in_course(course) for _ in range(3))
    certificate_generate(user=passing, course_run=course, mode="verified", grade="0.9", source="t")
    cert = certificate_generate(user=revoked, course_run=course, mode="verified", grade="0.9", source="t")
    certificate_invalidate(certificate=cert, source="t")
    certificate_generate(user=failing, course_run=course, mode="verified", status="notpassing", source="t")
    before = set(OutgoingEvent.objects.values_list("event_id", flat=True))

    output = resend("--course-key", str(course.id))

    fresh = OutgoingEvent.objects.exclude(event_id__in=before)
    kinds = {
        event.user_id: (event.event_type, event.data["certificate"]["previous_status"]) for event in fresh
    }
    assert kinds == {
        passing.pk: (EventTypes.CERTIFICATE_CREATED, "downloadable"),
        revoked.pk: (EventTypes.CERTIFICATE_REVOKED, "unavailable"),
        failing.pk: (EventTypes.CERTIFICATE_CHANGED, "notpassing"),
    }
    assert "Wrote 3 events" in output


def test_a_learner_s_certificates_only(course):
    ada, bob = learner_in_course(course, username="ada"), learner_in_course(course)
    for user in (ada, bob):
        certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")
    OutgoingEvent.objects.all().delete()
    resend("--username", "ada")
    assert list(OutgoingEvent.objects.values_list("user_id", flat=True)) == [ada.pk]
    assert "Would write 1 events" in resend("--username", "ada", "--dry-run")
    assert OutgoingEvent.objects.count() == 1


def test_it_needs_a_course_or_a_learner_that_exists(course):
    with pytest.raises(CommandError, match="Name a course"):
        resend()
    with pytest.raises(CommandError, match="No learner with username 'nobody'"):
        resend("--username", "nobody")
