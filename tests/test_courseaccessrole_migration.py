"""courses 0003: one role per person and run. Duplicates left by racing role PUTs are resolved by keeping the
latest row, the role the last write meant to set."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("courses", "0002_constraint_messages")]
AFTER = [("courses", "0003_courseaccessrole_one_per_run")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _every_migration_applied_after():
    """Going back to courses 0002 unapplies the migrations of other apps that depend on courses 0003 (credentials,
    openedx...): put every app back at its newest migration for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_it_keeps_the_latest_role_of_each_person_in_each_run():
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Organization = apps.get_model("courses", "Organization")
    CourseRun = apps.get_model("courses", "CourseRun")
    Role = apps.get_model("courses", "CourseAccessRole")
    org = Organization.objects.create(short_name="edX", name="edX")
    physics = CourseRun.objects.create(id="course-v1:edX+Physics+2026", display_name="P", organization=org)
    chemistry = CourseRun.objects.create(id="course-v1:edX+Chem+2026", display_name="C", organization=org)
    raced, single = User.objects.create(username="raced"), User.objects.create(username="single")
    old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for role, created in [("instructor", old), ("staff", old + dt.timedelta(seconds=1))]:
        Role.objects.filter(pk=Role.objects.create(user=raced, course=physics, role=role).pk).update(
            created=created
        )
    Role.objects.create(user=raced, course=chemistry, role="instructor")
    Role.objects.create(user=single, course=physics, role="beta_tester")

    apps = migrate(AFTER)

    Role = apps.get_model("courses", "CourseAccessRole")
    rows = Role.objects.values_list("user__username", "course_id", "role")
    assert sorted((user, str(course), role) for user, course, role in rows) == [
        ("raced", "course-v1:edX+Chem+2026", "instructor"),
        ("raced", "course-v1:edX+Physics+2026", "staff"),
        ("single", "course-v1:edX+Physics+2026", "beta_tester"),
    ]
