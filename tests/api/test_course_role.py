"""PUT / DELETE /api/v1/courses/{course_key}/roles/{username} — a person's one role in a run."""

import pytest
from django.db import IntegrityError, transaction

from coursecerts.courses.models import CourseAccessRole
from tests.api.conftest import COURSE_KEY, assert_error

pytestmark = pytest.mark.django_db


def url(username="alice"):
    return f"/api/v1/courses/{COURSE_KEY}/roles/{username}"


def test_put_sets_one_role_and_delete_removes_it(staff_api, alice):
    """The resource is the person's role in the run: the first PUT creates it (201), a new role replaces it
    (200, an update)."""
    assert staff_api.put(url(), {"role": "staff"}, format="json").status_code == 201
    replaced = staff_api.put(url(), {"role": "instructor"}, format="json")
    assert replaced.status_code == 200
    assert replaced.json() == {"username": "alice", "course_key": COURSE_KEY, "role": "instructor"}
    assert staff_api.put(url(), {"role": "instructor"}, format="json").status_code == 200
    assert list(CourseAccessRole.objects.filter(user=alice).values_list("role", flat=True)) == ["instructor"]
    assert staff_api.delete(url()).status_code == 204
    assert_error(staff_api.delete(url()), 404, "role_not_found")


def test_errors_and_permissions(staff_api, instructor_api, alice):
    assert (
        "role"
        in assert_error(staff_api.put(url(), {"role": "dean"}, format="json"), 400, "invalid_input")["errors"]
    )
    assert_error(staff_api.put(url("nobody"), {"role": "staff"}, format="json"), 404, "user_not_exist")
    assert instructor_api.put(url(), {"role": "staff"}, format="json").status_code == 403
    assert instructor_api.delete(url()).status_code == 403


def test_the_database_holds_one_role_per_person_and_run(alice, physics):
    """Not only the PUT: no writer can give a person a second role in a run."""
    CourseAccessRole.objects.create(user=alice, course=physics, role="staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseAccessRole.objects.create(user=alice, course=physics, role="instructor")
