"""The learner is told: when a certificate becomes downloadable the learner gets one email (HTML and plain
text, in the course's language, with the organisation, the course, the links and the share links), sent after
the commit by a task, at most once per issue."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services import certificate_generate
from coursecerts.certificates.services.event_resend import certificate_events_resend
from coursecerts.certificates.services.invalidation import (
    certificate_invalidation_create,
    certificate_revalidate,
)
from coursecerts.notifications.models import EmailStates, LearnerEmail
from coursecerts.notifications.tasks import send_learner_emails
from tests.factories import OrganizationFactory, learner_in_course

pytestmark = pytest.mark.django_db


def issue(course, user, captured_on_commit):
    with captured_on_commit(execute=True):
        return certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")


def test_the_learner_gets_one_email_with_the_course_the_organisation_and_the_links(
    course, captured_on_commit
):
    course.organization.name = "Acme University"
    course.organization.save()
    user = learner_in_course(course, username="ada", email="ada@example.org")
    cert = issue(course, user, captured_on_commit)

    (message,) = mail.outbox
    page = f"{settings.SITE_URL}/certificates/{cert.verify_uuid}"
    assert message.to == ["ada@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == f"Your certificate for {cert.course_title or course.display_name} is ready"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for part in (message.body, html):
        assert "Acme University" in part
        assert page in part
        assert f"{page}/pdf" in part
        assert "https://www.linkedin.com/profile/add?" in part
        assert "https://www.linkedin.com/sharing/share-offsite/?url=" in part
        assert "https://x.com/intent/post?" in part
    assert cert.name in message.body
    email = LearnerEmail.objects.get()
    assert (email.kind, email.state, email.attempts) == ("issued", EmailStates.SENT, 1)


def test_it_is_written_in_the_course_s_language(course, captured_on_commit):
    course.language = "ar"
    course.save()
    issue(course, learner_in_course(course), captured_on_commit)

    html = mail.outbox[0].alternatives[0][0]
    assert '<html lang="ar" dir="rtl">' in html


def test_an_issue_is_told_once_however_often_its_certificate_is_written_or_its_events_resent(
    course, captured_on_commit
):
    user = learner_in_course(course)
    issue(course, user, captured_on_commit)
    issue(course, user, captured_on_commit)  # generated again: nothing changed
    with captured_on_commit(execute=True):
        certificate_events_resend(user_id=user.pk)
    send_learner_emails.delay()

    assert len(mail.outbox) == 1
    assert LearnerEmail.objects.count() == 1


def test_a_certificate_revoked_and_issued_again_is_a_new_issue_told_again(course, staff, captured_on_commit):
    user = learner_in_course(course)
    cert = issue(course, user, captured_on_commit)
    with captured_on_commit(execute=True):
        certificate_invalidation_create(certificate=cert, invalidated_by=staff)
    assert len(mail.outbox) == 1
    with captured_on_commit(execute=True):
        certificate_revalidate(certificate=cert, actor=staff)

    assert len(mail.outbox) == 2
    assert LearnerEmail.objects.filter(state=EmailStates.SENT).count() == 2


def test_a_learner_without_an_address_is_a_failed_email_not_a_failed_certificate(course, captured_on_commit):
    user = learner_in_course(course, email="")
    issue(course, user, captured_on_commit)

    assert GeneratedCertificate.objects.get(user=user).status == "downloadable"
    email = LearnerEmail.objects.get()
    assert (email.state, email.last_error) == (EmailStates.FAILED, "The learner has no email address.")
    assert mail.outbox == []


def test_organisation_name_falls_back_to_its_short_name(captured_on_commit):
    from tests.factories import CourseRunFactory

    course = CourseRunFactory(organization=OrganizationFactory(name="", short_name="AcmeX"))
    issue(course, learner_in_course(course), captured_on_commit)

    assert "AcmeX" in mail.outbox[0].body


def test_the_text_part_and_subject_are_plain_text_not_html_escaped(captured_on_commit):
    from tests.factories import CourseRunFactory

    course = CourseRunFactory(display_name="Rock & Roll: Writers' Workshop")
    issue(course, learner_in_course(course), captured_on_commit)

    (message,) = mail.outbox
    assert "Rock & Roll: Writers' Workshop" in message.subject
    assert "Rock & Roll: Writers' Workshop" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    assert "Rock &amp; Roll" in message.alternatives[0][0]  # the HTML part stays escaped


def test_with_learner_emails_off_nothing_is_owed_or_sent(course, captured_on_commit, settings):
    settings.LEARNER_EMAILS_ENABLED = False
    issue(course, learner_in_course(course), captured_on_commit)
    settings.LEARNER_EMAILS_ENABLED = True
    send_learner_emails.delay()  # events written while it was off were not owed

    assert mail.outbox == []
    assert LearnerEmail.objects.count() == 0
