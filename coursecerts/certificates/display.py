"""Display rules: whether a certificate can be seen yet, which date it shows (reference 3.2, 3.3), and which of
its titles is the certificate's and which the course's."""

from __future__ import annotations

import re
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


# --- Which title is the certificate's and which the course's (README "Web certificates") ---------------------

# A configuration title with one of these words names a certificate ("Certificate of Achievement in Data
# Science"), not a course: the words of the languages certificates are translated into, and their neighbours.
_NAMES_A_CERTIFICATE = re.compile(
    r"\b(certificate|certificat|certificado|certificato|zertifikat)\b|شهادة", re.I
)


def names_a_certificate(title: str) -> bool:
    return bool(title) and _NAMES_A_CERTIFICATE.search(title) is not None


def printed_course_title(course_run: CourseRun) -> str:
    """The course title a certificate of the run prints, snapshotted at issue: the configuration's title (Open
    edX's course-title override), unless that title names a certificate; then the course's own name, and the
    configuration's title is the certificate's heading (certificate_titles)."""
    title = _configuration_title(course_run)
    return title if title and not names_a_certificate(title) else course_run.display_name


def certificate_titles(course_run: CourseRun, stored_course_title: str = "") -> tuple[str, str]:
    """(heading, course title) a certificate prints, so that no sentence says "Certificate" twice: the heading
    is the configuration's title when it names a certificate, else '' (the mode's title, rendering.configuration).
    A course title stored before this rule that names a certificate is the heading, and the course's own name
    is printed (tests/web/test_titles.py)."""
    stored = stored_course_title or printed_course_title(course_run)
    if names_a_certificate(stored):
        return stored, course_run.display_name
    title = _configuration_title(course_run)
    return (title if names_a_certificate(title) else ""), stored


def _configuration_title(course_run: CourseRun) -> str:
    configuration = getattr(course_run, "certificate_configuration", None)
    return configuration.title if configuration is not None else ""
