"""Course roles in the admin: a person has one role per run, so a second one is a form error, not a second row."""

import pytest

from coursecerts.courses.models import CourseAccessRole
from tests.admin.helpers import admin_url, form_errors
from tests.factories import CourseAccessRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_second_role_in_a_run_is_refused_and_the_first_stays(staff_client, physics):
    ivy = UserFactory(username="ivy")
    CourseAccessRoleFactory(user=ivy, course=physics, role="staff")
    response = staff_client.post(
        admin_url(CourseAccessRole, "add"), {"user": ivy.pk, "course": str(physics.id), "role": "instructor"}
    )
    assert response.status_code == 200
    assert "A person has one role per course run." in form_errors(response)
    assert list(CourseAccessRole.objects.filter(user=ivy).values_list("role", flat=True)) == ["staff"]


def test_a_role_is_added(staff_client, physics):
    ivy = UserFactory(username="ivy")
    response = staff_client.post(
        admin_url(CourseAccessRole, "add"), {"user": ivy.pk, "course": str(physics.id), "role": "instructor"}
    )
    assert response.status_code == 302
    assert CourseAccessRole.objects.get(user=ivy).role == "instructor"
