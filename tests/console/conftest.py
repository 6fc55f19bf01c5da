"""The console's personas (STYLE.md 11): an instructor who acts, a course staff member who only reads, global
staff, and a signed-in person with no role; and one run with learners in every state the pages show."""

import pytest

from coursecerts.courses.models import CourseRoles
from tests.factories import (
    CourseAccessRoleFactory,
    CourseRunFactory,
    GeneratedCertificateFactory,
    UserFactory,
    learner_in_course,
)


@pytest.fixture
def run(db):
    return CourseRunFactory(id="course-v1:edX+DS101+2026", display_name="Data Science 101")


@pytest.fixture
def instructor(run):
    user = UserFactory(username="ines")
    CourseAccessRoleFactory(user=user, course=run, role=CourseRoles.INSTRUCTOR)
    return user


@pytest.fixture
def course_staff(run):
    user = UserFactory(username="sami")
    CourseAccessRoleFactory(user=user, course=run, role=CourseRoles.STAFF)
    return user


@pytest.fixture
def global_staff(db):
    return UserFactory(username="gloria", is_staff=True)


@pytest.fixture
def nobody(db):
    """Signed in, with no role anywhere (a beta tester role is a learner's mark, not a team role)."""
    user = UserFactory(username="noah")
    CourseAccessRoleFactory(user=user, course=CourseRunFactory(), role=CourseRoles.BETA_TESTER)
    return user


@pytest.fixture
def learners(run):
    """Ada holds a downloadable certificate; Bob passed and has none (eligible without one); Cy failed."""
    ada = learner_in_course(run, username="ada")
    GeneratedCertificateFactory(user=ada, course=run)
    bob = learner_in_course(run, username="bob")
    cy = learner_in_course(run, username="cy", percent=0.2, passed=False)
    return {"ada": ada, "bob": bob, "cy": cy}
