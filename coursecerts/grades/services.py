from __future__ import annotations

from django.db import transaction

from coursecerts.common import signals
from coursecerts.grades.models import PersistentCourseGrade


@transaction.atomic
def course_grade_update(
    *, user, course_run, percent_grade: float, passed: bool, letter_grade: str = ""
) -> tuple[PersistentCourseGrade, bool]:
    """Store the grade the platform computed. A change to passing sends COURSE_GRADE_NOW_PASSED, a change from
    passing to failing COURSE_GRADE_NOW_FAILED. Returns (grade, created)."""
    grade = PersistentCourseGrade.objects.select_for_update().filter(user=user, course=course_run).first()
    created = grade is None
    was_passing = bool(grade and grade.passed)
    if created:
        grade = PersistentCourseGrade(user=user, course=course_run)
    grade.percent_grade, grade.passed, grade.letter_grade = percent_grade, passed, letter_grade
    grade.full_clean(validate_unique=False)
    grade.save()
    if passed and not was_passing:
        signals.COURSE_GRADE_NOW_PASSED.send(sender=PersistentCourseGrade, user=user, course_run=course_run)
    elif was_passing and not passed:
        signals.COURSE_GRADE_NOW_FAILED.send(
            sender=PersistentCourseGrade, user=user, course_run=course_run, grade=grade
        )
    return grade, created
