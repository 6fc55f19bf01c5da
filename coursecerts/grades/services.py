from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.common import signals
from coursecerts.common.upsert import row_upsert, rows_bulk_upsert, upsert_retried
from coursecerts.courses.models import CourseRun
from coursecerts.grades.models import PersistentCourseGrade

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@upsert_retried
@transaction.atomic
def course_grade_update(
    *, user: User, course_run: CourseRun, percent_grade: float, passed: bool, letter_grade: str = ""
) -> tuple[PersistentCourseGrade, bool]:
    """Store the grade the platform computed. A change to passing sends COURSE_GRADE_NOW_PASSED, a change from
    passing to failing COURSE_GRADE_NOW_FAILED. Returns (grade, created). Parallel callers end with one grade."""
    grade, previous = row_upsert(
        PersistentCourseGrade,
        key={"user": user, "course": course_run},
        values={"percent_grade": percent_grade, "passed": passed, "letter_grade": letter_grade},
    )
    created, was_passing = previous is None, bool(previous and previous.passed)
    if passed and not was_passing:
        signals.COURSE_GRADE_NOW_PASSED.send(sender=PersistentCourseGrade, user=user, course_run=course_run)
    elif was_passing and not passed:
        signals.COURSE_GRADE_NOW_FAILED.send(
            sender=PersistentCourseGrade, user=user, course_run=course_run, grade=grade
        )
    return grade, created


@dataclass(frozen=True)
class GradesBulkUpdate:
    changed: set[int]  # user ids whose grade is new or changed
    now_passing: set[int]  # ... that became passing (COURSE_GRADE_NOW_PASSED's case)
    now_failing: set[int]  # ... that went from passing to failing (COURSE_GRADE_NOW_FAILED's case)
    passing: set[int]  # the learners given whose grade passes after the write, given now or stored before


def course_grades_bulk_update(
    *, course_run: CourseRun, grades: Mapping[int, tuple[float, bool] | None]
) -> GradesBulkUpdate:
    """course_grade_update for many learners of one run at once, {user id: (percent, passed)}, or None to
    leave a learner's stored grade as it is; set-based (one read, bulk inserts and updates). It sends no
    signal: the caller applies the triggers to the transitions it returns, in bulk
    (coursecerts.certificates.triggers). Call it inside the caller's transaction."""
    existing = {
        user_id: (percent, passed)
        for user_id, percent, passed in PersistentCourseGrade.objects.filter(course=course_run).values_list(
            "user_id", "percent_grade", "passed"
        )
    }
    new, changed, now_passing, now_failing, passing = [], [], set(), set(), set()
    for user_id, values in grades.items():
        current = existing.get(user_id)
        was_passing = bool(current and current[1])
        if values is None:
            if was_passing:
                passing.add(user_id)
            continue
        percent, passed = values
        if passed:
            passing.add(user_id)
        grade = PersistentCourseGrade(
            user_id=user_id, course=course_run, percent_grade=percent, passed=passed
        )
        if current is None:
            new.append(grade)
        elif current != values:
            changed.append(grade)
        if passed and not was_passing:
            now_passing.add(user_id)
        elif was_passing and not passed:
            now_failing.add(user_id)
    PersistentCourseGrade.objects.bulk_create(new, batch_size=1000)
    rows_bulk_upsert(
        PersistentCourseGrade,
        changed,
        unique_fields=["user", "course"],
        update_fields=["percent_grade", "passed", "modified"],
    )
    return GradesBulkUpdate(
        changed={g.user_id for g in new} | {g.user_id for g in changed},
        now_passing=now_passing,
        now_failing=now_failing,
        passing=passing,
    )
