"""POST /api/v1/courses/{course_key}/allowlist — CSV in the Open edX bulk format (README "REST API")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coursecerts.certificates.models import CertificateAllowlist
from tests.factories import AllowlistFactory, InvalidationFactory, UserFactory, learner_in_course

pytestmark = pytest.mark.django_db

URL = "/api/v1/courses/course-v1:edX+Physics+2026/allowlist"


def upload(text: str, name="list.csv"):
    return {"students_list": SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")}


def test_each_row_is_checked_in_the_open_edx_order(instructor_api, physics, certificate):
    learner_in_course(physics, username="bob", email="bob@example.org")
    listed = learner_in_course(physics, username="carol")
    AllowlistFactory(user=listed, course=physics)
    InvalidationFactory(generated_certificate=certificate)
    UserFactory(username="dave")
    csv_text = "bob@example.org,late\nghost,x\ncarol,again\nalice,x\ndave,x\n\nonly-one-column\n"
    response = instructor_api.post(URL, upload(csv_text), format="multipart")
    assert response.status_code == 200
    assert response.json() == {
        "general_errors": [],
        "row_errors": {
            "data_format_error": ['user "only-one-column" in row# 7'],
            "user_not_exist": ['user "ghost" in row# 2'],
            "user_already_allowlisted": ['user "carol" in row# 3'],
            "user_not_enrolled": ['user "dave" in row# 5'],
            "user_on_certificate_invalidation_list": ['user "alice" in row# 4'],
        },
        "success": ['user "bob" in row# 1'],
    }
    assert CertificateAllowlist.objects.get(user__username="bob").notes == "late"


def test_general_errors(instructor_api, physics):
    assert instructor_api.post(URL, {}, format="multipart").json()["general_errors"] == [
        "File is not attached."
    ]
    not_csv = instructor_api.post(URL, upload("a,b", name="list.txt"), format="multipart").json()
    assert not_csv["general_errors"][0].startswith("Make sure that the file you upload is in CSV format")
    bad = {"students_list": SimpleUploadedFile("x.csv", b"\xff\xfe\xfa", content_type="text/csv")}
    assert instructor_api.post(URL, bad, format="multipart").json()["general_errors"] == [
        "Could not read uploaded file."
    ]


def test_permissions(course_staff_api, anonymous, physics):
    assert course_staff_api.post(URL, upload("a,b"), format="multipart").status_code == 403
    assert anonymous.post(URL, upload("a,b"), format="multipart").status_code == 401
