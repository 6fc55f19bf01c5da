"""End to end through a real SMTP server on loopback (aiosmtpd): the email reaches it as multipart text and
HTML; a failing server does not stop the certificate, and the email is retried until the server takes it; a
refused address is a failed email, visible with its reason; a course-wide run sends in batches, one SMTP
connection a batch, from one task a chunk."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services import certificate_generate
from coursecerts.certificates.services.generation_jobs import course_generation_start
from coursecerts.notifications import tasks
from coursecerts.notifications.models import EmailStates, LearnerEmail
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


def issue(course, user, captured_on_commit):
    with captured_on_commit(execute=True):
        return certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")


def make_due() -> None:
    """As if the retry's delay had passed."""
    LearnerEmail.objects.filter(state=EmailStates.PENDING).update(next_attempt_at=timezone.now())


def test_the_email_reaches_a_real_smtp_server_as_text_and_html(course, smtp_server, captured_on_commit):
    user = learner_in_course(course, email="grace@example.org")
    cert = issue(course, user, captured_on_commit)

    (message,) = smtp_server.messages
    assert message["To"] == "grace@example.org"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"/certificates/{cert.verify_uuid}" in text
    assert f"/certificates/{cert.verify_uuid}/pdf" in html
    assert LearnerEmail.objects.get().state == EmailStates.SENT


def test_a_failing_server_does_not_stop_the_certificate_and_the_email_is_retried_then_sent(
    course, smtp_server, captured_on_commit, caplog
):
    smtp_server.fail_with = "451 4.3.0 Try again later"
    user = learner_in_course(course)
    issue(course, user, captured_on_commit)

    assert GeneratedCertificate.objects.get(user=user).status == "downloadable"
    email = LearnerEmail.objects.get()
    assert (email.state, email.attempts) == (EmailStates.PENDING, 1)
    assert email.last_error == "451 4.3.0 Try again later"
    assert email.next_attempt_at > timezone.now()
    assert "will be retried" in caplog.text

    tasks.send_learner_emails.delay()  # not due yet: nothing is attempted
    assert LearnerEmail.objects.get().attempts == 1

    smtp_server.fail_with = ""
    make_due()
    tasks.send_learner_emails.delay()

    email = LearnerEmail.objects.get()
    assert (email.state, email.attempts, email.last_error) == (EmailStates.SENT, 2, "")
    assert len(smtp_server.messages) == 1


def test_a_server_that_cannot_be_reached_leaves_the_email_for_a_retry(course, captured_on_commit):
    from tests.notifications.conftest import free_port

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
    ):
        issue(course, learner_in_course(course), captured_on_commit)

    email = LearnerEmail.objects.get()
    assert email.state == EmailStates.PENDING
    assert email.last_error.startswith("Could not connect to the mail server: ConnectionRefusedError")


def test_the_schedule_s_last_failure_fails_the_email(course, smtp_server, captured_on_commit):
    smtp_server.fail_with = "451 4.3.0 Try again later"
    with override_settings(LEARNER_EMAIL_RETRY_SCHEDULE=(1,)):
        issue(course, learner_in_course(course), captured_on_commit)
        make_due()
        tasks.send_learner_emails.delay()

    email = LearnerEmail.objects.get()
    assert (email.state, email.attempts, email.next_attempt_at) == (EmailStates.FAILED, 2, None)


def test_a_refused_address_fails_that_email_only(course, smtp_server, captured_on_commit):
    smtp_server.refuse = {"nobody@example.org"}
    refused = learner_in_course(course, email="nobody@example.org")
    taken = learner_in_course(course, email="someone@example.org")
    with captured_on_commit(execute=True):
        course_generation_start(course_run=course, scope="all")

    by_address = {email.certificate.user.email: email for email in LearnerEmail.objects.all()}
    assert by_address[refused.email].state == EmailStates.FAILED
    assert "550 5.1.1 No such mailbox" in by_address[refused.email].last_error
    assert by_address[taken.email].state == EmailStates.SENT
    assert [message["To"] for message in smtp_server.messages] == [taken.email]


def test_several_connections_at_once_send_each_email_once(course, smtp_server, captured_on_commit):
    learners = [learner_in_course(course) for _ in range(5)]
    with override_settings(LEARNER_EMAIL_CONNECTIONS=3):
        with captured_on_commit(execute=True):
            course_generation_start(course_run=course, scope="all")

    assert sorted(message["To"] for message in smtp_server.messages) == sorted(u.email for u in learners)
    assert smtp_server.sessions == 3
    assert LearnerEmail.objects.filter(state=EmailStates.SENT).count() == 5


def test_a_course_wide_run_sends_in_batches_from_one_task_a_chunk(
    course, smtp_server, captured_on_commit, monkeypatch
):
    learners = [learner_in_course(course) for _ in range(7)]
    queued = []
    original = tasks.send_learner_emails.delay
    monkeypatch.setattr(tasks.send_learner_emails, "delay", lambda: queued.append(1) or original())

    with override_settings(LEARNER_EMAIL_BATCH_SIZE=3, CERTIFICATE_GENERATION_CHUNK_SIZE=4):
        with captured_on_commit(execute=True):
            course_generation_start(course_run=course, scope="all")

    assert sorted(message["To"] for message in smtp_server.messages) == sorted(u.email for u in learners)
    assert LearnerEmail.objects.filter(state=EmailStates.SENT).count() == 7
    assert len(queued) <= 2  # one task per chunk of 4, not one per learner
    assert smtp_server.sessions <= 4  # one SMTP connection per batch of at most 3
