"""PUT / DELETE /api/v1/certificates/{verify_uuid}/date-override — the date printed on one certificate."""

import datetime as dt

import pytest

from coursecerts.certificates.models import CertificateDateOverride
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_put_sets_then_replaces_and_delete_removes(instructor_api, certificate):
    url = f"/api/v1/certificates/{certificate.verify_uuid}/date-override"
    created = instructor_api.put(url, {"date": "2026-03-01", "reason": "exam taken early"}, format="json")
    assert created.status_code == 201
    assert created.json() == {
        "verify_uuid": certificate.verify_uuid,
        "date": "2026-03-01",
        "reason": "exam taken early",
        "overridden_by": "ivy_instructor",
    }
    assert instructor_api.put(url, {"date": "2026-03-02", "reason": "typo"}, format="json").status_code == 200
    override = CertificateDateOverride.objects.get()
    assert override.date == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    assert instructor_api.delete(url).status_code == 204
    assert_error(instructor_api.delete(url), 404, "date_override_not_found")


def test_bad_input_names_the_fields(instructor_api, certificate):
    url = f"/api/v1/certificates/{certificate.verify_uuid}/date-override"
    body = assert_error(
        instructor_api.put(url, {"date": "March", "reason": ""}, format="json"), 400, "invalid_input"
    )
    assert set(body["errors"]) == {"date", "reason"}
    assert not CertificateDateOverride.objects.exists()


def test_errors_and_permissions(instructor_api, course_staff_api, alice_api, anonymous, certificate):
    url = f"/api/v1/certificates/{certificate.verify_uuid}/date-override"
    body = {"date": "2026-03-01", "reason": "r"}
    assert_error(
        instructor_api.put("/api/v1/certificates/nope/date-override", body, format="json"),
        404,
        "certificate_not_found",
    )
    assert_error(course_staff_api.put(url, body, format="json"), 403, "permission_denied")
    assert_error(alice_api.delete(url), 404, "certificate_not_found")  # no existence oracle
    assert anonymous.put(url, body, format="json").status_code == 401
