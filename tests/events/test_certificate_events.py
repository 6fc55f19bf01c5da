"""Every certificate change writes its Open edX event to the outbox, in the change's transaction: which event
(created, changed, revoked; ADR 0015), and a CertificateData that openedx-events' own serializer agrees with."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import transaction
from opaque_keys.edx.keys import CourseKey
from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer
from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
from openedx_events.learning.data import CertificateData, CourseData, UserData, UserPersonalData
from openedx_events.learning.signals import CERTIFICATE_CREATED

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services import (
    certificate_generate,
    certificate_invalidate,
    certificate_mark_notpassing,
)
from coursecerts.certificates.services.date_override import date_override_set
from coursecerts.certificates.services.generation_jobs import course_generation_start
from coursecerts.events.models import EventTypes, OutgoingEvent
from coursecerts.events.webhooks.payload import webhook_data
from tests.factories import InvalidationFactory, UserFactory, learner_in_course

pytestmark = pytest.mark.django_db

CREATED, CHANGED, REVOKED = (
    EventTypes.CERTIFICATE_CREATED,
    EventTypes.CERTIFICATE_CHANGED,
    EventTypes.CERTIFICATE_REVOKED,
)


def events():
    return list(OutgoingEvent.objects.order_by("id"))


def test_a_passing_certificate_is_created_v1_with_the_certificate_data_openedx_events_serializes(course):
    course.start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    course.save()
    user = learner_in_course(course, first_name="Ada", username="ada")
    cert = certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")

    (event,) = events()
    assert event.event_type == CREATED
    assert (event.user_id, event.course_key, event.minorversion) == (user.pk, str(course.id), 0)
    assert event.time.utcoffset().total_seconds() == 0
    expected = CertificateData(
        user=UserData(
            id=user.pk,
            is_active=True,
            pii=UserPersonalData(username="ada", email=user.email, name=user.profile.name),
        ),
        course=CourseData(
            course_key=CourseKey.from_string(str(course.id)),
            display_name=course.display_name,
            start=course.start,
            end=course.end,
        ),
        mode="verified",
        grade="0.85",
        download_url="",
        name=cert.name,
        current_status="downloadable",
        previous_status="",
    )
    assert event.data == AvroSignalSerializer(CERTIFICATE_CREATED).to_dict({"certificate": expected})
    assert AvroSignalDeserializer(CERTIFICATE_CREATED).from_dict(event.data) == {"certificate": expected}
    assert webhook_data(event) == {
        "username": "ada",
        "course_key": str(course.id),
        "mode": "verified",
        "status": "downloadable",
        "previous_status": "",
        "grade": "0.85",
        "name": cert.name,
        "verify_uuid": cert.verify_uuid,
        "certificate_url": f"{settings.SITE_URL}/certificates/{cert.verify_uuid}",
    }


def test_regenerating_an_unchanged_certificate_writes_no_event(course):
    user = learner_in_course(course)
    certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")
    certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")
    assert [e.event_type for e in events()] == [CREATED]


def test_grade_change_is_changed_invalidation_is_revoked_and_passing_again_is_created(course):
    user = learner_in_course(course)
    cert = certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")
    certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")
    certificate_invalidate(certificate=cert, source="t")
    certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")

    kinds = [(e.event_type, e.data["certificate"]["previous_status"]) for e in events()]
    assert kinds == [
        (CREATED, ""),
        (CHANGED, "downloadable"),
        (REVOKED, "downloadable"),
        (CREATED, "unavailable"),
    ]
    assert events()[2].data["certificate"]["current_status"] == "unavailable"


def test_a_new_certificate_that_is_not_passing_is_changed_and_stays_changed(course):
    user = learner_in_course(course, percent=0.3, passed=False)
    cert = certificate_generate(
        user=user, course_run=course, mode="verified", status="notpassing", source="t"
    )
    certificate_mark_notpassing(certificate=cert, mode="verified", grade="0.4", source="t")
    assert [(e.event_type, e.data["certificate"]["previous_status"]) for e in events()] == [
        (CHANGED, ""),
        (CHANGED, "notpassing"),
    ]


def test_a_passing_certificate_moved_to_another_mode_is_created_for_that_mode(course):
    """The credentials service awards by course and mode: the new mode's certificate is a new award."""
    user = learner_in_course(course)
    certificate_generate(user=user, course_run=course, mode="honor", grade="0.85", source="t")
    certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")
    assert [(e.event_type, e.data["certificate"]["mode"]) for e in events()] == [
        (CREATED, "honor"),
        (CREATED, "verified"),
    ]


def test_a_date_override_is_changed(course, staff):
    user = learner_in_course(course)
    cert = certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")
    date_override_set(certificate=cert, date=datetime(2026, 3, 1, tzinfo=UTC), reason="r", actor=staff)
    assert [(e.event_type, e.data["certificate"]["previous_status"]) for e in events()] == [
        (CREATED, ""),
        (CHANGED, "downloadable"),
    ]


def test_an_event_is_written_in_the_change_s_transaction_and_rolled_back_with_it(course):
    user = learner_in_course(course)
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")
        assert OutgoingEvent.objects.count() == 1
        raise RuntimeError("the change fails after its write")
    assert not GeneratedCertificate.objects.exists()
    assert not OutgoingEvent.objects.exists()


def test_course_wide_generation_writes_each_learner_s_event_in_bulk(course, captured_on_commit):
    passing = [learner_in_course(course) for _ in range(3)]
    failing = learner_in_course(course, percent=0.2, passed=False)
    blocked = learner_in_course(course)
    certificate_generate(user=blocked, course_run=course, mode="verified", grade="0.85", source="t")
    InvalidationFactory(generated_certificate=GeneratedCertificate.objects.get(user=blocked))
    OutgoingEvent.objects.all().delete()

    with captured_on_commit(execute=True):
        course_generation_start(course_run=course, scope="all")
    with captured_on_commit(execute=True):
        course_generation_start(course_run=course, scope="statuses", statuses=["downloadable"])

    by_user = {e.user_id: e for e in events()}
    assert {u.pk for u in passing} <= set(by_user)
    assert all(by_user[u.pk].event_type == CREATED for u in passing)
    assert by_user[blocked.pk].event_type == REVOKED
    assert by_user[blocked.pk].data["certificate"]["previous_status"] == "downloadable"
    assert failing.pk not in by_user or by_user[failing.pk].event_type == CHANGED
    for user in passing:
        pii = by_user[user.pk].data["certificate"]["user"]["pii"]
        assert (pii["username"], pii["email"], pii["name"]) == (user.username, user.email, user.profile.name)
    assert len({e.event_id for e in events()}) == len(events())

    OutgoingEvent.objects.all().delete()
    with captured_on_commit(execute=True):  # nothing changes: nothing to tell
        course_generation_start(course_run=course, scope="all")
    assert events() == []


def test_course_wide_events_carry_any_name_exactly_and_only_the_chunk_s_learners(course, captured_on_commit):
    """A chunk's events are written in one COPY on PostgreSQL (text format, escaped by events.outgoing) and its
    learners read as a range of ids when there are many: a name with quotes, a backslash, a tab, a newline and
    letters beyond ASCII comes back as it was; a user in the range who is not a learner of the run gets none."""
    odd = 'Zoë "Z" Back\\slash\tTab\nLine Ł'
    learners = []
    for n in range(60):
        learners.append(learner_in_course(course, username=f"chunk{n}"))
        if n == 30:
            outsider = UserFactory(username="outsider")
    learners[10].profile.name = odd
    learners[10].profile.save()

    with captured_on_commit(execute=True):
        course_generation_start(course_run=course, scope="all")

    by_user = {e.user_id: e for e in events()}
    assert set(by_user) == {user.pk for user in learners}
    assert outsider.pk not in by_user
    assert by_user[learners[10].pk].data["certificate"]["user"]["pii"]["name"] == odd
    assert by_user[learners[11].pk].data["certificate"]["user"]["pii"]["username"] == "chunk11"
    event = by_user[learners[10].pk]
    assert event.time.utcoffset().total_seconds() == 0 and event.created == event.time
    assert event.verify_uuid == GeneratedCertificate.objects.get(user=learners[10]).verify_uuid
