"""PUT /api/v1/courses/{course_key}/grades/{username} — a passing grade generates, a failing one revokes."""

import pytest

from coursecerts.certificates.models import GeneratedCertificate
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(username="bob"):
    return f"/api/v1/courses/{COURSE_KEY}/grades/{username}"


def test_a_passing_grade_generates_and_a_failing_one_revokes(staff_api, physics, captured_on_commit):
    bob = UserFactory(username="bob")
    EnrollmentFactory(user=bob, course=physics)
    with captured_on_commit(execute=True):
        created = staff_api.put(url(), {"percent": 0.9, "passed": True}, format="json")
    assert created.status_code == 201
    assert created.json() == {"username": "bob", "course_key": COURSE_KEY, "percent": 0.9, "passed": True}
    assert GeneratedCertificate.objects.get(user=bob).status == "downloadable"
    with captured_on_commit(execute=True):
        updated = staff_api.put(url(), {"percent": 0.3, "passed": False}, format="json")
    assert updated.status_code == 200
    assert GeneratedCertificate.objects.get(user=bob).status == "notpassing"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"percent": 1.5, "passed": True}, {"percent"}),
        ({"percent": -0.1, "passed": "true"}, {"percent", "passed"}),
        ({}, {"percent", "passed"}),
    ],
)
def test_bad_grades_are_named(staff_api, physics, body, fields):
    UserFactory(username="bob")
    assert (
        set(assert_error(staff_api.put(url(), body, format="json"), 400, "invalid_input")["errors"]) == fields
    )


def test_unknown_learner_and_permission(staff_api, course_staff_api, physics):
    assert_error(
        staff_api.put(url("nobody"), {"percent": 1, "passed": True}, format="json"), 404, "user_not_exist"
    )
    assert course_staff_api.put(url(), {"percent": 1, "passed": True}, format="json").status_code == 403
