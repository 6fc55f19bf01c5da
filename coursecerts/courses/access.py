"""Who may read and act on a course run's certificates (ADR 0010): one rule for every interface. The REST API
(coursecerts/api/permissions.py) and the course-team console (coursecerts/console/) both ask here.

- global staff (is_staff) may do everything;
- course staff and instructors (CourseAccessRole) read their runs; instructors also act on them;
- anyone else sees no run.
"""

from __future__ import annotations

from django.db.models import QuerySet

from coursecerts.courses.models import CourseAccessRole, CourseRoles, CourseRun

COURSE_READ_ROLES = (CourseRoles.STAFF, CourseRoles.INSTRUCTOR)
COURSE_WRITE_ROLES = (CourseRoles.INSTRUCTOR,)


def is_global_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def has_course_role(user, course_key, roles) -> bool:
    if is_global_staff(user):
        return True
    if not (user and user.is_authenticated):
        return False
    return CourseAccessRole.objects.filter(user=user, course_id=course_key, role__in=roles).exists()


def course_runs_readable(user) -> QuerySet[CourseRun]:
    """The runs this person may read: all of them for global staff, else those they have a read role in."""
    runs = CourseRun.objects.select_related("organization").order_by("id")
    if is_global_staff(user):
        return runs
    if not (user and user.is_authenticated):
        return runs.none()
    return runs.filter(roles__user=user, roles__role__in=COURSE_READ_ROLES)
