"""NUL characters (which PostgreSQL cannot store or compare) are refused before any query: a JSON 404 for a
URL, a 400 naming the field for a body, never a 500. CI runs this on PostgreSQL and MariaDB too."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import COURSE_KEY, assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/certificates/ab%00cd"),
        ("get", "/api/v1/certificates/ab%00cd/history"),
        ("put", "/api/v1/certificates/ab%00cd/date-override"),
        ("put", "/api/v1/learners/a%00b"),
        ("put", "/api/v1/learners/a%00b/id-verification"),
        ("put", f"/api/v1/courses/{COURSE_KEY}/grades/a%00b"),
        ("put", f"/api/v1/courses/{COURSE_KEY}/enrollments/a%00b"),
        ("delete", f"/api/v1/courses/{COURSE_KEY}/allowlist/a%00b"),
        ("get", "/api/v1/courses/course-v1:a+b%00+c/report"),
    ],
)
def test_a_nul_in_a_path_is_a_json_404(staff_api, physics, method, url):
    assert_error(getattr(staff_api, method)(url, {}, format="json"), 404, "not_found")


def test_a_nul_in_a_body_field_is_a_400_naming_it(staff_api, physics, alice):
    url = f"/api/v1/courses/{COURSE_KEY}/allowlist/alice"
    body = assert_error(staff_api.put(url, {"notes": "a\x00b"}, format="json"), 400, "invalid_input")
    assert "notes" in body["errors"]


def test_a_nul_in_an_import_row_is_a_400_naming_the_field(staff_api, physics):
    text = "username,name,mode\nbob,B\x00b,audit\n"
    response = staff_api.generic(
        "POST", f"/api/v1/courses/{COURSE_KEY}/import", text, content_type="text/csv"
    )
    body = assert_error(response, 400, "invalid_rows")
    assert body["errors"]["rows"] == [{"row": 2, "errors": {"name": ["Null characters are not allowed."]}}]


def test_a_nul_in_a_bulk_allowlist_file_is_a_general_error(staff_api, physics):
    upload = SimpleUploadedFile("list.csv", b"al\x00ice,notes\n", content_type="text/csv")
    response = staff_api.post(
        f"/api/v1/courses/{COURSE_KEY}/allowlist", {"students_list": upload}, format="multipart"
    )
    assert response.json()["general_errors"] == ["Could not read uploaded file."]
