"""The course run a command names: a clear CommandError for a malformed key or an unknown run."""

from django.core.management.base import CommandError

from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import CourseRun


def course_run_from_argument(value: str) -> CourseRun:
    try:
        key = parse_course_key(value)
    except InvalidCourseKey as exc:
        raise CommandError(exc.message) from None
    run = CourseRun.objects.filter(pk=key).first()
    if run is None:
        raise CommandError(f"Course run {key} does not exist")
    return run
