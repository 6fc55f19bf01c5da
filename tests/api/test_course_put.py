"""PUT /api/v1/courses/{course_key} — a course run with its display settings validated on input."""

import pytest

from coursecerts.courses.models import CourseRun, Organization
from tests.api.conftest import assert_error
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

KEY = "course-v1:MITx+6.002x+2026"
URL = f"/api/v1/courses/{KEY}"
BODY = {
    "display_name": "Circuits",
    "self_paced": False,
    "start": "2026-01-01T00:00:00Z",
    "end": "2026-06-01T00:00:00Z",
    "certificates_display_behavior": "end_with_date",
    "certificate_available_date": "2026-07-01T00:00:00Z",
    "web_certificates_enabled": True,
    "language": "en",
    "modes": ["verified", "audit"],
}


def test_it_creates_then_updates_and_repeating_changes_nothing(staff_api):
    first = staff_api.put(URL, BODY, format="json")
    assert first.status_code == 201
    assert first.json() == {
        **BODY,
        "course_key": KEY,
        "org": "MITx",
        "modes": ["audit", "verified"],
    }
    again = staff_api.put(URL, BODY, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert CourseRun.objects.count() == 1


def test_put_replaces_the_whole_resource(staff_api):
    staff_api.put(URL, BODY, format="json")
    response = staff_api.put(URL, {"display_name": "Circuits II"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["certificates_display_behavior"] == "end"
    assert body["certificate_available_date"] is None
    assert body["modes"] == []


def test_an_existing_organisation_keeps_its_name(staff_api):
    OrganizationFactory(short_name="MITx", name="Massachusetts Institute of Technology")
    staff_api.put(URL, {**BODY, "org": "MITx"}, format="json")
    assert Organization.objects.get(short_name="MITx").name == "Massachusetts Institute of Technology"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"certificate_available_date": None}, "certificate_available_date"),
        ({"certificates_display_behavior": "end"}, "certificate_available_date"),
        ({"self_paced": True}, "certificates_display_behavior"),
        ({"start": "2026-09-01T00:00:00Z"}, "end"),
        ({"modes": ["verified", "verified"]}, "modes"),
        ({"modes": ["gold"]}, "modes"),
        ({"self_paced": "yes"}, "self_paced"),
        ({"certificates_display_behavior": "early_with_info"}, "certificates_display_behavior"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(staff_api, change, field):
    body = assert_error(staff_api.put(URL, {**BODY, **change}, format="json"), 400, "invalid_input")
    assert field in body["errors"]
    assert not CourseRun.objects.exists()


def test_a_malformed_course_key_is_a_400_naming_it(staff_api):
    body = assert_error(staff_api.put("/api/v1/courses/not-a-key", BODY, format="json"), 400, "invalid_input")
    assert "course_key" in body["errors"]


def test_only_global_staff_push_data(instructor_api, anonymous, physics):
    assert_error(instructor_api.put(URL, BODY, format="json"), 403, "permission_denied")
    assert_error(anonymous.put(URL, BODY, format="json"), 401, "not_authenticated")
