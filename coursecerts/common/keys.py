"""Course keys: one parser with one error message."""

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from opaque_keys.edx.locator import CourseLocator

from coursecerts.common.errors import ApplicationError

# The course key columns' length (CourseRun.id and every course_id): a longer key can name no run.
MAX_LENGTH = 255


class InvalidCourseKey(ApplicationError):
    pass


def parse_course_key(value) -> CourseKey:
    """A course run's key from a string (or a CourseKey). A malformed key, a key longer than the columns hold,
    a CCX key, or a key of something that is not a course run (a `library-v1:` content library) raises InvalidCourseKey
    naming it, before any query."""
    if isinstance(value, CourseKey):
        return _course_run_key(value, value)
    text = str(value).strip()
    if len(text) > MAX_LENGTH:
        raise InvalidCourseKey(f"{text[:40]!r}... is not a course key: longer than {MAX_LENGTH} characters")
    try:
        key = CourseKey.from_string(text)
    except InvalidKeyError:
        raise InvalidCourseKey(
            f"{value!r} is not a valid course key (expected e.g. course-v1:Org+Course+Run)"
        ) from None
    return _course_run_key(key, value)


def _course_run_key(key: CourseKey, value) -> CourseKey:
    if getattr(key, "ccx", None):  # a CCXLocator: edx-ccx-keys comes with openedx-events (ADR 0001)
        raise InvalidCourseKey(
            f"{str(value)!r} is not a valid course key here: custom courses (CCX) issue no certificates"
        )
    if not isinstance(key, CourseLocator):
        raise InvalidCourseKey(
            f"{str(value)!r} is not a course run's key (expected e.g. course-v1:Org+Course+Run)"
        )
    return key
