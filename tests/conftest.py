import pytest

from tests.factories import CourseRunFactory, UserFactory


@pytest.fixture
def course(db):
    """A self-paced run that has ended, with web certificates on."""
    return CourseRunFactory()


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def captured_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (Celery tasks, events) inside a test transaction."""
    return django_capture_on_commit_callbacks
