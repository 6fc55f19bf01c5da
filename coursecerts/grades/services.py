from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from coursecerts.common import signals
from coursecerts.common.bulk_rows import rows_insert, rows_update, rows_where_in, table
from coursecerts.common.upsert import row_upsert, upsert_retried
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
    leave a learner's stored grade as it is; set-based (their rows read at once, written by
    coursecerts.common.bulk_rows). It sends no signal: the caller applies the triggers to the transitions it
    returns, in bulk (coursecerts.certificates.triggers). Call it inside the caller's transaction."""
    course_key, now = str(course_run.pk), timezone.now()
    existing = {
        user_id: (pk, percent, bool(passed))
        for pk, user_id, percent, passed in rows_where_in(
            f"SELECT id, user_id, percent_grade, passed FROM {table(PersistentCourseGrade)} "
            "WHERE course_id = %s AND {in}",
            PersistentCourseGrade._meta.get_field("user"),
            grades,
            params=[course_key],
        )
    }
    new, changed, now_passing, now_failing, passing = [], [], set(), set(), set()
    for user_id, values in grades.items():
        current = existing.get(user_id)
        was_passing = current is not None and current[2]
        if values is None:
            if was_passing:
                passing.add(user_id)
            continue
        percent, passed = values
        if passed:
            passing.add(user_id)
        if current is None:
            new.append((user_id, course_key, percent, passed, "", now, now))
        elif current[1:] != values:
            changed.append((percent, passed, now, current[0], user_id))
        if passed and not was_passing:
            now_passing.add(user_id)
        elif was_passing and not passed:
            now_failing.add(user_id)
    fields = ["user", "course", "percent_grade", "passed", "letter_grade", "created", "modified"]
    rows_insert(PersistentCourseGrade, fields, new)
    rows_update(PersistentCourseGrade, ["percent_grade", "passed", "modified"], [row[:4] for row in changed])
    return GradesBulkUpdate(
        changed={row[0] for row in new} | {row[4] for row in changed},
        now_passing=now_passing,
        now_failing=now_failing,
        passing=passing,
    )
