"""Personas and clients for the API contract tests: global staff, the run's instructor and course staff,
a learner with a certificate, an outsider, and anonymous."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from coursecerts.api.services import api_token_create
from coursecerts.certificates.services import certificate_generation_attempt
from tests.factories import (
    CertificateConfigurationFactory,
    CourseAccessRoleFactory,
    CourseRunFactory,
    UserFactory,
    learner_in_course,
)

COURSE_KEY = "course-v1:edX+Physics+2026"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Rate limits live in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def client_for(user=None) -> APIClient:
    """An API client sending `Authorization: Bearer <token>` for the user (anonymous without one)."""
    client = APIClient()
    if user is not None:
        _, token = api_token_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def physics(db):
    """A self-paced run that has ended, with an active web certificate configuration."""
    run = CourseRunFactory(id=COURSE_KEY, display_name="Physics")
    CertificateConfigurationFactory(course=run, title="Certificate in Physics")
    return run


@pytest.fixture
def alice(physics):
    """A verified learner passing physics, with a downloadable certificate issued by the services."""
    user = learner_in_course(physics, username="alice")
    certificate_generation_attempt(user=user, course_run=physics, source="grade_passed")
    return user


@pytest.fixture
def certificate(alice):
    return alice.certificates.get()


@pytest.fixture
def staff_api(staff):
    return client_for(staff)


@pytest.fixture
def instructor(physics):
    user = UserFactory(username="ivy_instructor")
    CourseAccessRoleFactory(user=user, course=physics, role="instructor")
    return user


@pytest.fixture
def course_staff(physics):
    user = UserFactory(username="sam_staff")
    CourseAccessRoleFactory(user=user, course=physics, role="staff")
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="olly")


@pytest.fixture
def instructor_api(instructor):
    return client_for(instructor)


@pytest.fixture
def course_staff_api(course_staff):
    return client_for(course_staff)


@pytest.fixture
def outsider_api(outsider):
    return client_for(outsider)


@pytest.fixture
def alice_api(alice):
    return client_for(alice)


def assert_error(response, status: int, error_code: str):
    """The one error shape: error_code and a non-empty detail."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error_code"] == error_code, body
    assert body["detail"], body
    return body
