"""PUT /api/v1/courses/{course_key}/enrollments/{username} — mode and active flag; a mode change fires the
enrollment-track trigger."""

import pytest

from coursecerts.certificates.models import GeneratedCertificate
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import EnrollmentFactory, GradeFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(username="bob"):
    return f"/api/v1/courses/{COURSE_KEY}/enrollments/{username}"


def test_it_creates_then_updates(staff_api, physics):
    UserFactory(username="bob")
    created = staff_api.put(url(), {"mode": "audit"}, format="json")
    assert created.status_code == 201
    assert created.json() == {"username": "bob", "course_key": COURSE_KEY, "mode": "audit", "is_active": True}
    assert staff_api.put(url(), {"mode": "audit"}, format="json").status_code == 200


def test_an_upgrade_to_an_eligible_mode_generates(staff_api, physics, captured_on_commit):
    bob = UserFactory(username="bob")
    EnrollmentFactory(user=bob, course=physics, mode="audit")
    GradeFactory(user=bob, course=physics, passed=True)
    with captured_on_commit(execute=True):
        response = staff_api.put(url(), {"mode": "verified"}, format="json")
    assert response.status_code == 200
    assert GeneratedCertificate.objects.get(user=bob).status == "downloadable"


def test_errors(staff_api, physics):
    UserFactory(username="bob")
    assert (
        "mode"
        in assert_error(staff_api.put(url(), {"mode": "gold"}, format="json"), 400, "invalid_input")["errors"]
    )
    assert_error(staff_api.put(url("nobody"), {"mode": "audit"}, format="json"), 404, "user_not_exist")
    assert_error(
        staff_api.put("/api/v1/courses/course-v1:x+y+z/enrollments/bob", {"mode": "audit"}, format="json"),
        404,
        "course_not_found",
    )


def test_only_global_staff(instructor_api, physics):
    assert instructor_api.put(url(), {"mode": "audit"}, format="json").status_code == 403
