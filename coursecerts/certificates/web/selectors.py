"""Named reads for the web certificate's pages: the certificate behind a public URL and what its page shows
(the run's part from the page cache while it holds), and the staff preview's run, version and permission."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from django.db import connection
from django.db.models import Field
from django.db.models.expressions import RawSQL

from coursecerts.certificates.display import PublicState, certificate_public_status
from coursecerts.certificates.models import CertificateTemplateVersion, GeneratedCertificate
from coursecerts.certificates.rendering.cascade import published_version_for_course
from coursecerts.certificates.rendering.selectors import certificate_get_for_rendering
from coursecerts.certificates.web import page_cache
from coursecerts.common.compiled_query import CompiledQuery
from coursecerts.courses.models import CourseAccessRole, CourseRoles, CourseRun

# What a page shows is the certificate's public state (display.certificate_public_status).
PageKind = PublicState


@dataclass(frozen=True)
class CertificatePage:
    kind: PageKind
    certificate: GeneratedCertificate | None = None
    available_date: datetime | None = None  # NOT_YET
    withdrawn_at: datetime | None = None  # INVALIDATED and REVOKED


# The stored render data comes in the same query (rendering.stored); verify_uuid is unique, so no ORDER BY. Compiled
# once (common.compiled_query): a first visit's page costs this query, not its compilation.
_certificate_with_render_data = CompiledQuery(
    GeneratedCertificate,
    lambda verify_uuid: (
        GeneratedCertificate.objects.select_related(
            "template_version__template", "date_override", "render_data"
        )
        .defer("render_data__qr_codes")  # read only when the page is rendered again (one query then)
        .filter(verify_uuid=verify_uuid)
        .order_by()[:1]
    ),
)


def _with_freshness_key(verify_uuid: str):
    """The same query, with the page's freshness key (web.page_cache.key_columns) in the same row."""
    table = connection.ops.quote_name(GeneratedCertificate._meta.db_table)
    columns = {
        f"_key{i}": RawSQL(sql, (), output_field=Field())
        for i, sql in enumerate(page_cache.key_columns(table))
    }
    return _certificate_with_render_data.make(verify_uuid).annotate(**columns)


_certificate_with_key = CompiledQuery(GeneratedCertificate, _with_freshness_key)
_KEY_COLUMNS = len(fields(page_cache.FreshnessKey)) - 1 + len(fields(page_cache.CourseStamp))


def certificate_get_with_cached_run(
    verify_uuid: str, course_stamp: page_cache.CourseStamp
) -> GeneratedCertificate | None:
    """As rendering.selectors.certificate_get_for_rendering, with the run's part (run, organisation, configuration,
    signatories) taken from the per-process cache while `course_stamp` holds, and the render data stored with the
    certificate: one query."""
    certificate = _certificate_with_render_data.get(verify_uuid)
    if certificate is not None:
        certificate.course = page_cache.course_run_cached(course_stamp, course_run_get_for_page)
    return certificate


def certificate_page_get_with_key(
    verify_uuid: str, *, now: datetime
) -> tuple[CertificatePage, page_cache.FreshnessKey | None]:
    """certificate_page_get with the run's part from the per-process cache, and the page's freshness key read in
    the certificate's own query: a page this process keeps nothing of costs one query, not the key's and then the
    certificate's."""
    certificate = _certificate_with_key.get(verify_uuid)
    if certificate is None:
        return CertificatePage(PageKind.NOT_FOUND), None
    values = certificate.__dict__
    key = page_cache.freshness_key_of(tuple(values.pop(f"_key{i}") for i in range(_KEY_COLUMNS)))
    certificate.course = page_cache.course_run_cached(key.course, course_run_get_for_page)
    return _page(certificate, now), key


def course_run_get_for_page(course_key) -> CourseRun | None:
    return (
        CourseRun.objects.select_related("organization", "certificate_configuration")
        .prefetch_related("certificate_configuration__signatories")
        .filter(id=course_key)
        .first()
    )


def certificate_page_get(
    verify_uuid: str,
    *,
    now: datetime | None = None,
    course_stamp: page_cache.CourseStamp | None = None,
) -> CertificatePage:
    """What `/certificates/<verify_uuid>` and its PDF show: the certificate's public status
    (display.certificate_public_status, ADR 0011). With the `course_stamp` of the page's freshness key
    (web.page_cache), the run's part comes from the per-process cache."""
    if course_stamp is not None:
        certificate = certificate_get_with_cached_run(verify_uuid, course_stamp)
    else:
        certificate = certificate_get_for_rendering(verify_uuid)
    return _page(certificate, now)


def _page(certificate: GeneratedCertificate | None, now: datetime | None) -> CertificatePage:
    public = certificate_public_status(certificate, now=now)
    if public.state is PageKind.NOT_FOUND:
        return CertificatePage(PageKind.NOT_FOUND)
    return CertificatePage(
        public.state, certificate, available_date=public.available_date, withdrawn_at=public.withdrawn_at
    )


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
