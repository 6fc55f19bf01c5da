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


@pytest.fixture
def failing_reads(monkeypatch):
    """Fault injection: the next `times` reads of learners' facts (a chunk, an outbox entry) fail as a lost
    database connection would."""
    from coursecerts.certificates import selectors

    original, left = selectors.course_learner_facts, {"times": 0}

    def read(**kwargs):
        if left["times"]:
            left["times"] -= 1
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(selectors, "course_learner_facts", read)
    return left


def pytest_collection_modifyitems(config, items):
    """Tests marked `concurrency` need concurrent writers: they run on PostgreSQL and MariaDB (.ci/run does),
    and are skipped, with the reason shown, on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL or MariaDB (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "concurrency" in item.keywords:
            item.add_marker(skip)
