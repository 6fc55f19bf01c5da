"""One policy for a certificate that is no longer valid (ADR 0011): the page, its PDF and the verification API
answer alike, 410 Gone for an invalidated or revoked certificate (with the date, never the learner's name) and
for a retired learner's, 404 for an unknown id. The Open edX v0 API keeps Open edX's answer."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from coursecerts.certificates.services import certificate_invalidation_create, certificate_mark_notpassing
from coursecerts.certificates.services.retirement import learner_retire
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "0123456789abcdef0123456789abcdef"


def invalidate(certificate):
    certificate_invalidation_create(certificate=certificate, invalidated_by=UserFactory(username="prof"))


def fail(certificate):
    certificate_mark_notpassing(certificate=certificate, mode=None, grade="0.2", source="notpassing_signal")


def retire(certificate):
    learner_retire(user=certificate.user, actor=None)


@pytest.fixture(autouse=True)
def no_rate_limits():
    cache.clear()


@pytest.mark.parametrize(
    ("change", "status", "api_status", "error_code", "dated"),
    [
        (invalidate, 410, "invalidated", "certificate_invalidated", True),
        (fail, 410, "revoked", "certificate_revoked", True),
        (retire, 410, "retired", "certificate_gone", False),
        (None, 404, None, "certificate_not_found", False),
    ],
    ids=["invalidated", "notpassing", "retired", "unknown"],
)
def test_the_page_the_pdf_and_the_verification_api_agree(
    client, certificate, change, status, api_status, error_code, dated
):
    verify_uuid = certificate.verify_uuid if change else UNKNOWN
    if change:
        change(certificate)
    page = client.get(f"/certificates/{verify_uuid}")
    pdf = client.get(f"/certificates/{verify_uuid}/pdf")
    api = client.get(f"/api/v1/certificates/{verify_uuid}")
    assert (page.status_code, pdf.status_code, api.status_code) == (status, status, status)
    body = api.json()
    assert body["error_code"] == error_code
    assert body.get("status") == api_status
    today = timezone.now().date()
    if dated:
        assert body["withdrawn_on"] == today.isoformat()
        printed = f"{today:%B} {today.day}, {today.year}"
        assert printed in page.text and printed in pdf.text
    for response in (page, pdf, api):
        assert "Jane" not in response.content.decode()


def test_the_page_says_only_that_the_certificate_was_withdrawn_and_when(client, certificate):
    invalidate(certificate)
    page = client.get(f"/certificates/{certificate.verify_uuid}")
    assert "This certificate is no longer valid" in page.text
    today = timezone.now()
    assert f"It was withdrawn on {today:%B} {today.day}, {today.year}." in page.text
    assert "Data Science 101" not in page.text and "Jane Doe" not in page.text


def test_an_exam_invalidation_without_an_invalidation_entry_is_invalidated_too(client, certificate):
    from coursecerts.certificates.services import certificate_invalidate_for_exam

    certificate_invalidate_for_exam(user=certificate.user, course_run=certificate.course)
    assert client.get(f"/certificates/{certificate.verify_uuid}").status_code == 410
    assert client.get(f"/api/v1/certificates/{certificate.verify_uuid}").json()["status"] == "invalidated"


def test_the_v0_api_keeps_open_edx_answer_for_its_owner(client, certificate):
    """Open edX v0 (ADR 0008): the owner and global staff see the invalidated certificate as it is stored,
    status `unavailable`, not passing, no download URL."""
    invalidate(certificate)
    client.force_login(certificate.user)
    url = f"/api/certificates/v0/certificates/{certificate.user.username}/courses/{certificate.course_id}/"
    body = client.get(url).json()
    assert (body["status"], body["is_passing"], body["download_url"]) == ("unavailable", False, None)
    assert client.get(f"/api/certificates/v0/certificates/{certificate.user.username}/").json() == []


def test_the_withdrawn_page_is_translated(client, certificate):
    invalidate(certificate)
    page = client.get(f"/certificates/{certificate.verify_uuid}?lang=ar")
    assert page.status_code == 410
    assert "هذه الشهادة لم تعد صالحة" in page.text and "سُحبت بتاريخ" in page.text
