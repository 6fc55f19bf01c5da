"""Who may do what (ADR 0010). Every refusal carries a reason in its 403 answer.

- global staff (is_staff) may do everything;
- course staff and instructors (CourseAccessRole) read their runs' certificates and reports; instructors also
  run the dashboard's operations (allowlist, invalidations, date overrides), as Open edX's bridgekeeper rules;
- learners read their own certificates (Open edX v0);
- anyone may verify a certificate.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from coursecerts.courses.access import (  # the rule itself, shared with the console
    COURSE_READ_ROLES,  # noqa: F401  (the API's views import it from here)
    COURSE_WRITE_ROLES,
    has_course_role,
    is_global_staff,
)


class IsGlobalStaff(BasePermission):
    """Data in (courses, learners, enrollments, grades, ID verification, roles, imports): the platform."""

    message = "Only global staff may push data into coursecerts."

    def has_permission(self, request, view):
        return is_global_staff(request.user)


class IsOwnerOrGlobalStaff(BasePermission):
    """Open edX v0: the learner named in the URL, or global staff."""

    message = "You may only read your own certificates."

    def has_permission(self, request, view):
        user = request.user
        return is_global_staff(user) or (
            user.is_authenticated and user.username == view.kwargs.get("username")
        )


class CourseRolePermission(BasePermission):
    """The course team of the run in the URL (`course_key`), or global staff. Views name the roles they need
    with `course_roles`; an unknown or malformed course key is left to the view (it answers 404)."""

    def has_permission(self, request, view):
        if is_global_staff(request.user):
            return True
        roles = getattr(view, "course_roles", COURSE_WRITE_ROLES)
        self.message = _role_message(roles)
        course_key = view.kwargs.get("course_key")
        return has_course_role(request.user, course_key, roles) if _is_key(course_key) else False


def _role_message(roles) -> str:
    names = " or ".join(f"course {role}" for role in roles)
    return f"Only global staff or the run's {names} may do this."


def _is_key(value) -> bool:
    from coursecerts.common.keys import InvalidCourseKey, parse_course_key

    try:
        parse_course_key(value)
    except InvalidCourseKey:
        return False
    return True


def require_course_role(request, course_key, roles) -> None:
    """For views whose run is found from another id (a certificate's uuid): refuse unless allowed."""
    from rest_framework.exceptions import PermissionDenied

    if not has_course_role(request.user, course_key, roles):
        raise PermissionDenied(_role_message(roles))
