"""GET /api/v1/certificates/{verify_uuid}/history — every change of a certificate."""

import pytest

from coursecerts.certificates.services import certificate_invalidate
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_it_lists_each_change_oldest_first(course_staff_api, certificate, staff):
    certificate_invalidate(certificate=certificate, source="admin", actor=staff, note="typo")
    response = course_staff_api.get(f"/api/v1/certificates/{certificate.verify_uuid}/history")
    assert response.status_code == 200
    rows = response.json()
    assert [(r["status_before"], r["status_after"], r["source"]) for r in rows] == [
        ("", "downloadable", "grade_passed"),
        ("downloadable", "unavailable", "admin"),
    ]
    assert rows[0]["actor"] is None and rows[1]["actor"] == "staff" and rows[1]["note"] == "typo"


def test_errors_and_permissions(staff_api, outsider_api, alice_api, anonymous, certificate):
    url = f"/api/v1/certificates/{certificate.verify_uuid}/history"
    assert_error(staff_api.get("/api/v1/certificates/0000/history"), 404, "certificate_not_found")
    assert anonymous.get(url).status_code == 401


def test_to_a_caller_without_access_an_existing_certificate_answers_as_an_unknown_one(
    outsider_api, alice_api, certificate
):
    """No existence oracle: the answer does not tell whether the verify_uuid exists."""
    unknown = "00000000000000000000000000000000"
    for client in (outsider_api, alice_api):
        existing = client.get(f"/api/v1/certificates/{certificate.verify_uuid}/history")
        missing = client.get(f"/api/v1/certificates/{unknown}/history")
        assert_error(existing, 404, "certificate_not_found")
        assert (missing.status_code, missing.json()) == (
            404,
            {
                **existing.json(),
                "detail": existing.json()["detail"].replace(certificate.verify_uuid, unknown),
            },
        )
