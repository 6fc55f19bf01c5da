"""Course keys: one parser with one error message."""

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from coursecerts.common.errors import ApplicationError


class InvalidCourseKey(ApplicationError):
    pass


def parse_course_key(value) -> CourseKey:
    """A CourseKey from a string (or a CourseKey). A malformed key raises InvalidCourseKey naming it."""
    if isinstance(value, CourseKey):
        return value
    try:
        return CourseKey.from_string(str(value).strip())
    except InvalidKeyError:
        raise InvalidCourseKey(
            f"{value!r} is not a valid course key (expected e.g. course-v1:Org+Course+Run)"
        ) from None
