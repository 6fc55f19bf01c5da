"""Display and visibility rules, beside the eligibility rules: whether a run has web certificates and an active
configuration, whether and from when its certificates can be seen, what the public is told of a certificate
(ADR 0011), which date it shows, which of its titles is the certificate's and which the course's, and its
download URL. The page, its PDF, the page cache, the verification API, the Open edX v0 API and the admin call
these; tests/test_public_rules_agree.py pins that they agree."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from coursecerts.certificates.eligibility import LearnerFacts, Policy, web_certificates_enabled
from coursecerts.certificates.expiry import is_expired
from coursecerts.certificates.models import (
    PASSED_STATUSES,
    CertificateConfiguration,
    CertificateStatuses,
    GeneratedCertificate,
)
from coursecerts.courses.models import CertificatesDisplayBehaviors as CDB
from coursecerts.courses.models import CourseRun
from coursecerts.learners.selectors import certificate_of_retired_learner

# --- Whether a run shows web certificates at all -----------------------------------------------------------


def web_certificates_on(course_run: CourseRun) -> bool:
    """Web certificates are on for the run: eligibility's rule (web_certificates_enabled: the global
    CERTIFICATES_HTML_VIEW and the run's own flag), applied to the run."""
    facts = LearnerFacts(enrollment_mode=None, cert_html_view_enabled=course_run.cert_html_view_enabled)
    return web_certificates_enabled(facts, Policy(html_view_enabled=settings.CERTIFICATES_HTML_VIEW))


def active_configuration(course_run: CourseRun) -> CertificateConfiguration | None:
    """The run's certificate configuration when it is active (Open edX's "active web certificate"), else None."""
    configuration = getattr(course_run, "certificate_configuration", None)
    return configuration if configuration is not None and configuration.is_active else None


# --- Whether, and from when, a run's certificates can be seen ----------------------------------------------


def certificates_viewable_from(course_run: CourseRun) -> datetime | None:
    """When an instructor-paced run starts showing its certificates: the available date (`end_with_date`), else
    the end (`end`); None when not known. Self-paced and `early_no_info` runs show them at once."""
    if course_run.certificates_display_behavior == CDB.END_WITH_DATE:
        return course_run.certificate_available_date
    return course_run.end


def certificates_viewable_for_course(course_run: CourseRun, now: datetime | None = None) -> bool:
    """Visible when the run is self-paced, shows certificates on passing, or has reached the moment
    certificates_viewable_from gives."""
    if course_run.self_paced or course_run.certificates_display_behavior == CDB.EARLY_NO_INFO:
        return True
    viewable_from = certificates_viewable_from(course_run)
    return viewable_from is not None and viewable_from < (now or timezone.now())


# --- What the public learns of a certificate (ADR 0011) ----------------------------------------------------


class PublicState(enum.Enum):
    VALID = "valid"
    NOT_FOUND = "not_found"  # unknown, never issued, or never shown: 404
    NOT_YET = "not_yet"  # valid, but the run's display rules hide it for now
    INVALIDATED = "invalidated"  # withdrawn (status unavailable): 410 Gone, with the date, nothing else
    REVOKED = "revoked"  # no longer downloadable for another reason (notpassing, unverified...): as above
    RETIRED = "retired"  # the learner is retired (ADR 0012): 410 Gone, nothing else
    EXPIRED = "expired"  # valid when issued, past its expiry date (ADR 0025): shown, saying when it expired


GONE_STATES = frozenset({PublicState.INVALIDATED, PublicState.REVOKED, PublicState.RETIRED})
# What the page, the PDF and the credential show (an expired certificate says so, with the date).
VIEWABLE_STATES = frozenset({PublicState.VALID, PublicState.EXPIRED})


@dataclass(frozen=True)
class PublicStatus:
    state: PublicState
    withdrawn_at: datetime | None = None  # INVALIDATED and REVOKED: when it stopped being valid
    available_date: datetime | None = None  # NOT_YET: when it shows, when known
    expires_at: datetime | None = None  # VALID and EXPIRED: its expiry date, fixed at issue (None: never)


def certificate_public_status(
    certificate: GeneratedCertificate | None, *, now: datetime | None = None
) -> PublicStatus:
    """What the page and its PDF say of a certificate (and so the PDF task and the page cache), in order:
    NOT_FOUND in a run with web certificates off; then the certificate's own state (certificate_record_status),
    gone states as they are; NOT_FOUND in a run without an active configuration; NOT_YET with the date it shows;
    VALID. The run, its configuration and a date override are read from the certificate (select_related)."""
    if certificate is None or not web_certificates_on(certificate.course):
        return PublicStatus(PublicState.NOT_FOUND)
    status = certificate_record_status(certificate, now=now)
    if status.state in GONE_STATES:
        return status
    if status.state is PublicState.NOT_FOUND or active_configuration(certificate.course) is None:
        return PublicStatus(PublicState.NOT_FOUND)
    if status.state is PublicState.NOT_YET:
        return PublicStatus(
            PublicState.NOT_YET, available_date=certificates_viewable_from(certificate.course)
        )
    return status


def certificate_record_status(
    certificate: GeneratedCertificate | None, *, now: datetime | None = None
) -> PublicStatus:
    """The certificate's own public state, whatever its run's web settings (certificate_public_status adds them):
    what the verification API answers (ADR 0011), the admin shows and the PDF move keeps. Unknown or never issued
    is NOT_FOUND; a retired learner's is RETIRED; in a run whose display rules hide certificates, a valid one is
    NOT_YET and any other NOT_FOUND (never shown, it stays invisible); a downloadable one is VALID, or EXPIRED
    past its expiry date (ADR 0025); a generating one (legacy) NOT_FOUND; an unavailable one INVALIDATED and any
    other REVOKED, with the date it was withdrawn. A valid certificate with a printed name costs no query."""
    if certificate is None or not _was_issued(certificate):
        return PublicStatus(PublicState.NOT_FOUND)
    if certificate_of_retired_learner(certificate):
        return PublicStatus(PublicState.RETIRED)
    downloadable = certificate.status == CertificateStatuses.DOWNLOADABLE
    if not certificates_viewable_for_course(certificate.course, now):
        return PublicStatus(PublicState.NOT_YET if downloadable else PublicState.NOT_FOUND)
    if downloadable:
        expired = is_expired(certificate, now)
        state = PublicState.EXPIRED if expired else PublicState.VALID
        return PublicStatus(state, expires_at=certificate.expires_date)
    if certificate.status in PASSED_STATUSES:  # generating (a legacy status): not downloadable yet
        return PublicStatus(PublicState.NOT_FOUND)
    invalidated = certificate.status == CertificateStatuses.UNAVAILABLE
    state = PublicState.INVALIDATED if invalidated else PublicState.REVOKED
    return PublicStatus(state, withdrawn_at=certificate_withdrawn_at(certificate))


def _was_issued(certificate: GeneratedCertificate) -> bool:
    return certificate.status == CertificateStatuses.DOWNLOADABLE or certificate.issued_date is not None


def certificate_withdrawn_at(certificate: GeneratedCertificate) -> datetime:
    """When the certificate moved into its current status: its last status change in the history, else (a row
    imported without history) its last modification."""
    changed = (
        certificate.history.exclude(status_before=F("status_after"))
        .order_by("-created", "-pk")
        .values_list("created", flat=True)
        .first()
    )
    return changed or certificate.modified_date


def certificate_download_url(certificate: GeneratedCertificate) -> str | None:
    """Open edX's download URL: only a downloadable certificate has one; the stored (legacy PDF) URL wins, else
    the web certificate's relative URL when web certificates are on, else the (empty) stored URL."""
    if certificate.status != CertificateStatuses.DOWNLOADABLE:
        return None
    if certificate.download_url:
        return certificate.download_url
    if web_certificates_on(certificate.course):
        return f"/certificates/{certificate.verify_uuid}"
    return ""


# --- Which date a certificate shows (README "Web certificates") ---------------------------------------------


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
