import pytest

from coursecerts.certificates.services import certificate_generation_attempt
from tests.factories import CourseRunFactory, learner_in_course


@pytest.fixture
def staff_client(client, staff):
    """The test client logged in as the superuser `staff`."""
    client.force_login(staff)
    return client


@pytest.fixture
def physics(db):
    return CourseRunFactory(id="course-v1:edX+Physics+2026", display_name="Physics")


@pytest.fixture
def passing_learner(physics):
    """A verified learner passing physics, with a downloadable certificate issued by the services."""
    user = learner_in_course(physics, username="alice")
    certificate_generation_attempt(user=user, course_run=physics, source="grade_passed")
    return user


@pytest.fixture
def certificate(passing_learner):
    return passing_learner.certificates.get()
