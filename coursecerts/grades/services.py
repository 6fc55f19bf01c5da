from __future__ import annotations

from django.db import transaction

from coursecerts.common import signals
from coursecerts.common.upsert import row_upsert, upsert_retried
from coursecerts.grades.models import PersistentCourseGrade


@upsert_retried
@transaction.atomic
def course_grade_update(
    *, user, course_run, percent_grade: float, passed: bool, letter_grade: str = ""
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
