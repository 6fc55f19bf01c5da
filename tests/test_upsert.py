"""row_upsert under a guaranteed insert race: both callers are held at a barrier right after reading "no row
yet", so both insert, and the unique constraint makes one the loser. Needs PostgreSQL or MariaDB."""

import threading
from unittest import mock

import pytest
from django.db import connection, transaction

from coursecerts.common import upsert
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.grades.services import course_grade_update
from tests.factories import CourseRunFactory, EnrollmentFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def race_two(call):
    """Run call(percent) in two threads, both held after their first read; the (created, error) of each."""
    barrier = threading.Barrier(2, timeout=10)
    original, state = upsert._locked, threading.local()
    outcomes = []

    def held(model, key):
        row = original(model, key)
        if not getattr(state, "held", False):
            state.held = True
            barrier.wait()
        return row

    def worker(percent):
        try:
            outcomes.append((call(percent), None))
        except Exception as exc:  # collected and asserted by the test
            outcomes.append((None, exc))
        finally:
            connection.close()

    with mock.patch.object(upsert, "_locked", side_effect=held):
        threads = [threading.Thread(target=worker, args=(p,)) for p in (0.7, 0.8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return outcomes


@pytest.fixture
def enrollment():
    return EnrollmentFactory(course=CourseRunFactory())


def _grade(enrollment, percent):
    _, created = course_grade_update(
        user=enrollment.user, course_run=enrollment.course, percent_grade=percent, passed=False
    )
    return created


def test_the_loser_of_the_insert_race_runs_again_and_updates(enrollment):
    outcomes = race_two(lambda percent: _grade(enrollment, percent))
    assert sorted(outcomes, key=str) == [(False, None), (True, None)]
    assert PersistentCourseGrade.objects.get(user=enrollment.user).percent_grade in (0.7, 0.8)


def test_inside_a_callers_transaction_the_loser_updates_in_place(enrollment):
    """Nothing can be run again inside a caller's transaction: the loser locks the winner's row instead."""

    def in_transaction(percent):
        with transaction.atomic():
            return _grade(enrollment, percent)

    outcomes = race_two(in_transaction)
    assert sorted(outcomes, key=str) == [(False, None), (True, None)]
    assert PersistentCourseGrade.objects.filter(user=enrollment.user).count() == 1
