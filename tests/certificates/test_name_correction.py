"""Name corrections through the signed link and the admin (ADR 0024): the link names one certificate and
expires; the form asks; global staff decide in the admin; retirement blanks the names asked for."""

import time

import pytest
from django.core import signing

from coursecerts.certificates.models import NameCorrectionRequest
from coursecerts.certificates.services import certificate_generate
from coursecerts.certificates.services.name_correction import (
    name_correction_request,
    name_correction_token,
    name_correction_url,
)
from coursecerts.certificates.services.retirement import learner_retire
from tests.factories import CertificateConfigurationFactory, CourseRunFactory, UserFactory
from tests.web.html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    from django.core.cache import cache

    settings.SITE_URL = "http://testserver"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    cache.clear()  # the page rate limit counts there


@pytest.fixture
def certificate(db):
    run = CourseRunFactory(id="course-v1:edX+Chem+2026", display_name="Chemistry")
    CertificateConfigurationFactory(course=run)
    user = UserFactory(username="bob")
    user.profile.name = "Bob Smiht"
    user.profile.save()
    return certificate_generate(user=user, course_run=run, mode="verified", grade="0.9", source="test")


def form_path(certificate) -> str:
    return name_correction_url(certificate).removeprefix("http://testserver")


def test_the_signed_link_shows_the_form_and_sends_the_request(client, certificate):
    page = client.get(form_path(certificate))
    assert page.status_code == 200
    assert page.headers["Cache-Control"].startswith("max-age=0")
    assert Page(page).text("#current-name") == "Bob Smiht"
    sent = client.post(form_path(certificate), {"requested_name": "  Bob   Smith ", "reason": "typo"})
    assert sent.status_code == 200
    assert "Bob Smith" in Page(sent).text("#sent")
    correction = NameCorrectionRequest.objects.get()
    assert (correction.requested_name, correction.channel, correction.status, correction.requested_by) == (
        "Bob Smith",
        "link",
        "pending",
        None,
    )
    again = client.get(form_path(certificate))
    assert Page(again).one("#waiting") is not None and Page(again).one("form") is None


def test_the_form_says_what_is_wrong(client, certificate):
    empty = client.post(form_path(certificate), {"requested_name": "   "})
    assert empty.status_code == 400 and "empty" in Page(empty).text("#error")
    control = client.post(form_path(certificate), {"requested_name": "Bob\x1bSmith"})
    assert control.status_code == 400 and Page(control).one("#error") is not None
    assert not NameCorrectionRequest.objects.exists()


def test_an_expired_or_forged_link_says_it_no_longer_works(client, certificate, settings, monkeypatch):
    settings.NAME_CORRECTION_LINK_MAX_AGE_DAYS = 30
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 31 * 86400)
    old = name_correction_token(certificate)
    monkeypatch.setattr(signing.time, "time", real_time)
    expired = client.get(f"/certificates/name-correction/{old}")
    assert expired.status_code == 404
    assert "Bob" not in expired.content.decode()
    token = name_correction_token(certificate)
    forged = client.post(f"/certificates/name-correction/{token[:-2]}xx", {"requested_name": "Eve"})
    assert forged.status_code == 404
    assert not NameCorrectionRequest.objects.exists()


def test_staff_decide_in_the_admin(client, certificate):
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(staff)
    correction = name_correction_request(
        certificate=certificate, requested_name="Bob Smith", reason="typo", channel="api", requested_by=None
    )
    url = f"/admin/certificates/namecorrectionrequest/{correction.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/certificates/namecorrectionrequest/?status__exact=pending").status_code == 200
    answer = client.post(url, {"decision": "approve", "decision_note": "ok"})
    assert answer.status_code == 302, answer.content
    correction.refresh_from_db()
    certificate.refresh_from_db()
    assert (correction.status, correction.decided_by, correction.note) == ("approved", staff, "ok")
    assert certificate.name == "Bob Smith"
    assert client.get(url).status_code == 200  # read-only now: nothing left to decide
    assert client.post(url, {"decision": "refuse", "decision_note": "no"}).status_code == 403


def test_retirement_blanks_the_names_asked_for(certificate):
    name_correction_request(
        certificate=certificate,
        requested_name="Bob Smith",
        reason="my name",
        channel="api",
        requested_by=None,
    )
    learner_retire(user=certificate.user, actor=None, source="command")
    row = NameCorrectionRequest.objects.get()
    assert (row.current_name, row.requested_name, row.reason) == ("", "", "")


def test_a_link_names_one_certificate_of_one_learner(client, certificate):
    """A token for a certificate whose row now belongs to someone else (never, in practice) or a made-up id
    opens nothing."""
    token = signing.dumps(
        {"c": certificate.verify_uuid, "u": certificate.user_id + 1000},
        salt="coursecerts.certificates.name_correction",
        compress=True,
    )
    assert client.get(f"/certificates/name-correction/{token}").status_code == 404
