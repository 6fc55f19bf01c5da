"""Loading the objects a URL names, or answering 404 with an error_code that says which one is missing."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from coursecerts.api.errors import not_found
from coursecerts.api.permissions import COURSE_READ_ROLES, has_course_role, require_course_role
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import CourseRun


def course_run_or_404(course_key: str) -> CourseRun:
    try:
        key = parse_course_key(course_key)
    except InvalidCourseKey as exc:
        raise not_found("course_not_found", exc.message) from None
    run = CourseRun.objects.select_related("organization").filter(pk=key).first()
    if run is None:
        raise not_found("course_not_found", f"No course run {course_key}.")
    return run


def user_or_404(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise not_found(
            "user_not_exist", f"{username} does not exist in the LMS. Please check your spelling and retry."
        )
    return user


def certificate_or_404(verify_uuid: str) -> GeneratedCertificate:
    certificate = _certificate(verify_uuid)
    if certificate is None:
        raise not_found("certificate_not_found", f"No certificate {verify_uuid}.")
    return certificate


def course_team_certificate_or_404(request, verify_uuid: str, roles) -> GeneratedCertificate:
    """The certificate, for its run's course team (or global staff) only. To anyone who may not even read the
    run, an existing certificate answers exactly as an unknown id does (404): no existence oracle. A reader
    asking for more than they may do is refused with 403."""
    certificate = _certificate(verify_uuid)
    if certificate is None or not has_course_role(request.user, certificate.course_id, COURSE_READ_ROLES):
        raise not_found("certificate_not_found", f"No certificate {verify_uuid}.")
    require_course_role(request, certificate.course_id, roles)
    return certificate


def _certificate(verify_uuid: str) -> GeneratedCertificate | None:
    return (
        GeneratedCertificate.objects.select_related("user", "course", "course__organization")
        .filter(verify_uuid=verify_uuid)
        .first()
    )


def user_certificate_or_404(*, user, course_run) -> GeneratedCertificate:
    certificate = GeneratedCertificate.objects.filter(user=user, course=course_run).first()
    if certificate is None:
        raise not_found(
            "no_certificate_for_user",
            f"The student {user.username} does not have certificate for the course {course_run.id.course}. "
            "Kindly verify student username/email and the selected course are correct and try again.",
        )
    return certificate
