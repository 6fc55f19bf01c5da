"""Named reads for the web certificate's pages: the certificate behind a public URL and what its page shows
(the run's part from the page cache while it holds), and the staff preview's run, version and permission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from coursecerts.certificates.models import (
    CertificateConfiguration,
    CertificateTemplateVersion,
    GeneratedCertificate,
)
from coursecerts.certificates.rendering.cascade import published_version_for_course
from coursecerts.certificates.selectors import GONE_STATES, PublicState, certificate_public_status
from coursecerts.certificates.web import page_cache
from coursecerts.courses.models import CertificatesDisplayBehaviors as CDB
from coursecerts.courses.models import CourseAccessRole, CourseRoles, CourseRun

# What a page shows is the certificate's public state (certificates.selectors.certificate_public_status), and
# NOT_FOUND as well when the run has web certificates off or no active configuration.
PageKind = PublicState


@dataclass(frozen=True)
class CertificatePage:
    kind: PageKind
    certificate: GeneratedCertificate | None = None
    available_date: datetime | None = None
    withdrawn_at: datetime | None = None  # INVALIDATED and REVOKED


def certificate_get_for_web_view(verify_uuid: str) -> GeneratedCertificate | None:
    """The certificate with this public id, with everything its page shows, in two queries."""
    return (
        GeneratedCertificate.objects.select_related(
            "course__organization",
            "course__certificate_configuration",
            "template_version__template",
            "date_override",
        )
        .prefetch_related("course__certificate_configuration__signatories")
        .filter(verify_uuid=verify_uuid)
        .first()
    )


def certificate_get_with_cached_run(verify_uuid: str, stamp: tuple) -> GeneratedCertificate | None:
    """As certificate_get_for_web_view, with the run's part (run, organisation, configuration, signatories)
    taken from the per-process cache while its stamp (web.page_cache.course_stamp) holds: one light query."""
    certificate = (
        GeneratedCertificate.objects.select_related("template_version__template", "date_override")
        .filter(verify_uuid=verify_uuid)
        .first()
    )
    if certificate is not None:
        certificate.course = page_cache.course_run_cached(stamp, course_run_get_for_page)
    return certificate


def course_run_get_for_page(course_key) -> CourseRun | None:
    return (
        CourseRun.objects.select_related("organization", "certificate_configuration")
        .prefetch_related("certificate_configuration__signatories")
        .filter(id=course_key)
        .first()
    )


def certificate_page_get(
    verify_uuid: str, *, now: datetime | None = None, key: tuple | None = None
) -> CertificatePage:
    """What `/certificates/<verify_uuid>` and its PDF show (reference 4.2): a certificate's public state (ADR 0011)
    in a run with web certificates on; a valid one needs an active configuration too.
    With the page's freshness `key` (web.page_cache), the run's part comes from the per-process cache."""
    if key is not None:
        certificate = certificate_get_with_cached_run(verify_uuid, page_cache.course_stamp(key))
    else:
        certificate = certificate_get_for_web_view(verify_uuid)
    if certificate is None or not _web_certificates_on(certificate.course):
        return CertificatePage(PageKind.NOT_FOUND)
    public = certificate_public_status(certificate, now=now)
    if public.state in GONE_STATES:
        return CertificatePage(public.state, certificate, withdrawn_at=public.withdrawn_at)
    if public.state is PageKind.NOT_FOUND or _active_configuration(certificate.course) is None:
        return CertificatePage(PageKind.NOT_FOUND)
    if public.state is PageKind.NOT_YET:
        return CertificatePage(
            PageKind.NOT_YET, certificate, available_date=_available_date(certificate.course)
        )
    return CertificatePage(PageKind.VALID, certificate)


def _web_certificates_on(course_run: CourseRun) -> bool:
    return settings.CERTIFICATES_HTML_VIEW and course_run.cert_html_view_enabled


def _active_configuration(course_run: CourseRun) -> CertificateConfiguration | None:
    configuration = getattr(course_run, "certificate_configuration", None)
    return configuration if configuration is not None and configuration.is_active else None


def _available_date(course_run: CourseRun) -> datetime | None:
    """When a hidden certificate shows: the available date, or the end of a run that shows them at its end."""
    if course_run.certificates_display_behavior == CDB.END_WITH_DATE:
        return course_run.certificate_available_date
    return course_run.end


def can_preview(user, course_run: CourseRun) -> bool:
    """Global staff, and the run's course staff and instructors (Open edX preview_certificates permission)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return CourseAccessRole.objects.filter(
        user=user, course=course_run, role__in=[CourseRoles.STAFF, CourseRoles.INSTRUCTOR]
    ).exists()


def course_run_get_for_preview(course_key) -> CourseRun | None:
    return course_run_get_for_page(course_key)


def preview_version_get(course_run: CourseRun, mode: str) -> CertificateTemplateVersion | None:
    return published_version_for_course(course_run, mode)


def template_version_get(version_id: str) -> CertificateTemplateVersion | None:
    if not str(version_id).isdigit():
        return None
    return CertificateTemplateVersion.objects.select_related("template").filter(pk=int(version_id)).first()
