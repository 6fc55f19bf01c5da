"""Display rules: whether a certificate can be seen yet, and which date it shows (reference 3.2, 3.3)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from coursecerts.courses.models import CertificatesDisplayBehaviors as CDB
from coursecerts.courses.models import CourseRun


def certificates_viewable_for_course(course_run: CourseRun, now: datetime | None = None) -> bool:
    """Visible when the run is self-paced, shows certificates on passing, has reached its available date,
    or (behaviour `end`) has ended."""
    now = now or timezone.now()
    if course_run.self_paced:
        return True
    behavior = course_run.certificates_display_behavior
    if behavior == CDB.EARLY_NO_INFO:
        return True
    if behavior == CDB.END_WITH_DATE:
        return (
            course_run.certificate_available_date is not None and course_run.certificate_available_date < now
        )
    return course_run.end is not None and course_run.end < now


def course_uses_available_date(course_run: CourseRun) -> bool:
    """The available date counts only for instructor-paced `end_with_date` runs, and (as Open edX) only when
    automatic generation is on."""
    return (
        settings.AUTO_CERTIFICATE_GENERATION
        and course_run.instructor_paced
        and course_run.certificate_available_date is not None
        and course_run.certificates_display_behavior == CDB.END_WITH_DATE
    )


def available_date_for_certificate(certificate, course_run: CourseRun) -> datetime | None:
    """When the certificate becomes available: the run's available date when it uses one, else the issue
    date. Ignores date overrides."""
    if course_uses_available_date(course_run):
        return course_run.certificate_available_date
    return _issue_date(certificate)


def display_date_for_certificate(
    certificate, course_run: CourseRun, now: datetime | None = None
) -> datetime | None:
    """The date printed on the certificate.

    1. a date override; 2. the available date, once passed, when the run uses it; 3. the end date of an
    instructor-paced run shown at the end; 4. the issue date. Open edX prints modified_date in step 4, which
    moves whenever the row is re-saved; coursecerts prints the issue date, fixed at issue (ADR 0002).
    """
    now = now or timezone.now()
    override = getattr(certificate, "date_override", None) if certificate.pk else None
    if override is not None:
        return override.date
    if course_uses_available_date(course_run) and course_run.certificate_available_date < now:
        return course_run.certificate_available_date
    if course_run.instructor_paced and course_run.certificates_display_behavior == CDB.END and course_run.end:
        return course_run.end
    return _issue_date(certificate)


def _issue_date(certificate) -> datetime | None:
    return certificate.issued_date or certificate.modified_date
