"""The other kinds of email, owed by the certificates app inside its transactions: a name correction's decision
(NAME_CORRECTION_DECIDED) and an expiry notice (CERTIFICATE_EXPIRY_NOTICES_OWED); each told once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coursecerts.certificates.models import CertificateExpiryNotice, GeneratedCertificate
from coursecerts.certificates.services import certificate_generate
from coursecerts.certificates.services.name_correction import (
    name_correction_approve,
    name_correction_refuse,
    name_correction_request,
)
from coursecerts.common import signals
from coursecerts.notifications import kinds
from coursecerts.notifications.models import LearnerEmail
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(course, captured_on_commit):
    user = learner_in_course(course, username="ada", email="ada@example.org")
    with captured_on_commit(execute=True):
        certificate = certificate_generate(
            user=user, course_run=course, mode="verified", grade="0.85", source="t"
        )
    mail.outbox.clear()
    return certificate


def ask(certificate, name="Ada Lovelace"):
    return name_correction_request(
        certificate=certificate, requested_name=name, channel="api", requested_by=certificate.user
    )


def test_an_approved_name_correction_is_told_with_the_new_name(certificate, staff, captured_on_commit):
    correction = ask(certificate)
    with captured_on_commit(execute=True):
        name_correction_approve(correction=correction, actor=staff, note="Matches your ID.")

    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "shows your corrected name" in message.subject
    assert "now shows the name Ada Lovelace" in message.body
    assert "Matches your ID." in message.body
    assert LearnerEmail.objects.filter(kind=kinds.ISSUED).count() == 1  # the reissue is no new issue email


def test_a_refused_name_correction_is_told_with_the_note(certificate, staff, captured_on_commit):
    correction = ask(certificate)
    with captured_on_commit(execute=True):
        name_correction_refuse(correction=correction, actor=staff, note="Use your legal name.")

    (message,) = mail.outbox
    assert "was not approved" in message.subject
    assert "Use your legal name." in message.alternatives[0][0]


def test_an_expiry_notice_is_told_once_with_the_date(certificate, captured_on_commit):
    expires = timezone.now() + timedelta(days=20)
    GeneratedCertificate.objects.filter(pk=certificate.pk).update(expires_date=expires)
    certificate.refresh_from_db()
    notice = CertificateExpiryNotice.objects.create(certificate=certificate, expires_date=expires)

    for _ in range(2):
        with captured_on_commit(execute=True):
            answers = signals.CERTIFICATE_EXPIRY_NOTICES_OWED.send(
                sender=CertificateExpiryNotice, notices=[notice]
            )
        assert (True in [answer for _, answer in answers]) is True

    (message,) = mail.outbox
    assert "expires on" in message.subject
    assert str(expires.year) in message.body


def test_retirement_cancels_what_is_owed_blanks_what_emails_carry_and_deletes_the_page(
    certificate, staff, smtp_server, captured_on_commit
):
    from coursecerts.certificates.services.retirement import learner_retire
    from coursecerts.notifications.learner_page import learner_page_link
    from coursecerts.notifications.models import EmailStates, LearnerPage

    learner_page_link(certificate.user)
    smtp_server.fail_with = "451 4.3.0 Try again later"
    correction = ask(certificate)
    with captured_on_commit(execute=True):
        name_correction_refuse(correction=correction, actor=staff, note="No.")
    owed = LearnerEmail.objects.get(kind=kinds.NAME_CORRECTION_DECIDED)
    assert owed.state == EmailStates.PENDING and owed.context["requested_name"] == "Ada Lovelace"

    with captured_on_commit(execute=True):
        learner_retire(user=certificate.user, source="test")

    owed.refresh_from_db()
    assert (owed.state, owed.context, owed.last_error) == (
        EmailStates.CANCELLED,
        {},
        "The learner was retired.",
    )
    assert not LearnerPage.objects.exists()
