"""Loading the run a console URL names, under the one rule of who may do what (coursecerts/courses/access.py):
a person without a read role in the run gets the same 404 as for a run that does not exist (no existence
oracle, as the API's lookups); a reader asking to act gets 403 saying who may."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.access import COURSE_READ_ROLES, COURSE_WRITE_ROLES, has_course_role
from coursecerts.courses.models import CourseRun


def course_run_for(request, course_key: str, *, act: bool = False) -> CourseRun:
    """The run, readable by the request's user; with act=True the user must also be allowed to act on it."""
    try:
        key = parse_course_key(course_key)
    except InvalidCourseKey:
        raise Http404(_("No such course run.")) from None
    run = CourseRun.objects.select_related("organization").filter(pk=key).first()
    if run is None or not has_course_role(request.user, run.id, COURSE_READ_ROLES):
        raise Http404(_("No such course run."))
    if act and not can_act(request.user, run):
        raise PermissionDenied(_("Only global staff or the run's course instructors may do this."))
    return run


def can_act(user, run: CourseRun) -> bool:
    return has_course_role(user, run.id, COURSE_WRITE_ROLES)
