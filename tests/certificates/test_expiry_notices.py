"""The expiry notice (ADR 0025): the periodic task records, for each valid certificate expiring within
CERTIFICATE_EXPIRY_NOTICE_WEEKS, one notice per expiry date, and hands it to the notifications app once."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from coursecerts.certificates.models import CertificateExpiryNotice
from coursecerts.certificates.services import certificate_generate, certificate_invalidate
from coursecerts.certificates.tasks import record_expiry_notices
from coursecerts.common import signals
from tests.factories import CourseRunFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(db):
    return CourseRunFactory(id="course-v1:edX+Safety+2026", certificate_validity_days=60)


def issue(run, username):
    return certificate_generate(
        user=UserFactory(username=username), course_run=run, mode="verified", grade="0.9", source="test"
    )


@pytest.fixture(autouse=True)
def owed(monkeypatch):
    """The signal, with no receiver but the test's (the notifications app's own is tested there)."""
    signal = Signal()
    monkeypatch.setattr(signals, "CERTIFICATE_EXPIRY_NOTICES_OWED", signal)
    return signal


@pytest.fixture
def taken(owed):
    """A notifications app that takes every notice offered (returns True), recording them."""
    offered = []

    def receiver(sender, notices, **kwargs):
        offered.extend(notice.certificate.verify_uuid for notice in notices)
        return True

    owed.connect(receiver, weak=False)
    return offered


def test_the_task_is_on_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["certificate-expiry-notices"]
    assert entry["task"] == "coursecerts.certificates.tasks.record_expiry_notices"
    assert record_expiry_notices.name == entry["task"]


def test_each_learner_is_told_once_some_weeks_before(run, taken, settings):
    settings.CERTIFICATE_EXPIRY_NOTICE_WEEKS = 4
    soon = issue(run, "soon")
    later_run = CourseRunFactory(id="course-v1:edX+Safety+2027", certificate_validity_days=365)
    later = issue(later_run, "later")
    never = issue(CourseRunFactory(id="course-v1:edX+Art+2026"), "never")
    assert never.expires_date is None

    assert record_expiry_notices() == {"recorded": 0, "handed_over": 0, "owed": 0}  # 60 days ahead: not yet
    with time_machine.travel(soon.expires_date - dt.timedelta(weeks=3), tick=False):
        assert record_expiry_notices() == {"recorded": 1, "handed_over": 1, "owed": 0}
        assert taken == [soon.verify_uuid]
        assert record_expiry_notices() == {"recorded": 0, "handed_over": 0, "owed": 0}  # once
    with time_machine.travel(soon.expires_date - dt.timedelta(days=1), tick=False):
        record_expiry_notices()
    assert taken == [soon.verify_uuid]
    notice = CertificateExpiryNotice.objects.get()
    assert (notice.certificate_id, notice.expires_date, notice.sent_at is not None) == (
        soon.pk,
        soon.expires_date,
        True,
    )
    assert later.expiry_notices.count() == 0


def test_notices_stay_owed_until_the_notifications_app_takes_them(run, owed):
    certificate = issue(run, "patient")
    with time_machine.travel(certificate.expires_date - dt.timedelta(weeks=1), tick=False):
        assert record_expiry_notices() == {"recorded": 1, "handed_over": 0, "owed": 1}  # nobody listening
        offered = []

        def receiver(sender, notices, **kwargs):
            offered.extend(n.pk for n in notices)
            return True

        owed.connect(receiver, weak=False)
        assert record_expiry_notices() == {"recorded": 0, "handed_over": 1, "owed": 0}
    assert offered == [CertificateExpiryNotice.objects.get().pk]


def test_no_notice_for_a_withdrawn_or_already_expired_certificate(run, taken):
    withdrawn = issue(run, "withdrawn")
    issue(run, "expired")
    with time_machine.travel(withdrawn.expires_date - dt.timedelta(weeks=1), tick=False):
        certificate_invalidate(certificate=withdrawn, source="test")
        record_expiry_notices()
    assert taken == [CertificateExpiryNotice.objects.get().certificate.verify_uuid]
    assert withdrawn.verify_uuid not in taken
    with time_machine.travel(timezone.now() + dt.timedelta(days=61), tick=False):
        record_expiry_notices()  # expired yesterday: too late to warn
    assert len(taken) == 1


def test_a_zero_week_window_sends_nothing(run, taken, settings):
    settings.CERTIFICATE_EXPIRY_NOTICE_WEEKS = 0
    certificate = issue(run, "quiet")
    with time_machine.travel(certificate.expires_date - dt.timedelta(days=1), tick=False):
        assert record_expiry_notices()["recorded"] == 0
    assert taken == []


def test_the_admin_lists_the_notices(run, client):
    certificate = issue(run, "listed")
    with time_machine.travel(certificate.expires_date - dt.timedelta(weeks=1), tick=False):
        record_expiry_notices()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get("/admin/certificates/certificateexpirynotice/?sent_at__isnull=True")
    assert page.status_code == 200
    assert "listed" in page.content.decode()  # the certificate's learner
    assert client.get(f"/admin/certificates/generatedcertificate/{certificate.pk}/change/").status_code == 200
