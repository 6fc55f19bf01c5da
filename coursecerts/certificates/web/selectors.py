"""Named reads for the web certificate: the certificate behind a public URL and what its page shows, the staff
preview's sample, and the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coursecerts.certificates.display import certificate_titles, display_date_for_certificate
from coursecerts.certificates.models import (
    CertificateConfiguration,
    CertificateTemplateAsset,
    CertificateTemplateVersion,
    GeneratedCertificate,
)
from coursecerts.certificates.rendering.cascade import published_version_for_course
from coursecerts.certificates.rendering.configuration import web_view_config
from coursecerts.certificates.rendering.context import CertificateRenderContext, SignatoryData
from coursecerts.certificates.rendering.qr import qr_svg
from coursecerts.certificates.selectors import GONE_STATES, PublicState, certificate_public_status
from coursecerts.certificates.web import page_cache
from coursecerts.courses.models import CertificatesDisplayBehaviors as CDB
from coursecerts.courses.models import CourseAccessRole, CourseRoles, CourseRun

SAMPLE_VERIFY_UUID = "0" * 32


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


def certificate_render_context(
    certificate: GeneratedCertificate,
    *,
    language: str,
    now: datetime | None = None,
    public_state: PublicState | None = None,
) -> CertificateRenderContext:
    """The page of an issued certificate: its stored snapshots (name, title, mode), never current values; with
    the certificate's `public_state` (certificate_page_get), the page says it, e.g. valid."""
    course_run = certificate.course
    configuration = getattr(course_run, "certificate_configuration", None)
    heading, course_title = certificate_titles(course_run, certificate.course_title)
    return _context(
        course_run=course_run,
        configuration=configuration,
        learner_name=certificate.name,
        heading=heading,
        course_title=course_title,
        mode=certificate.mode,
        issued_date=display_date_for_certificate(certificate, course_run, now),
        verify_uuid=certificate.verify_uuid,
        language=language,
        template_version_id=certificate.template_version_id,
        status=public_state.value if public_state is not None else "",
    )


def preview_render_context(
    course_run: CourseRun, *, mode: str, language: str, version: CertificateTemplateVersion | None
) -> CertificateRenderContext:
    """A sample certificate of the run in `mode`, as it would be issued now (reference 4.2 step 4, 3.3)."""
    configuration = getattr(course_run, "certificate_configuration", None)
    with translation.override(language):
        sample_name = _("Sample Learner")
    heading, course_title = certificate_titles(course_run)
    return _context(
        course_run=course_run,
        configuration=configuration,
        learner_name=sample_name,
        heading=heading,
        course_title=course_title,
        mode=mode,
        issued_date=_preview_date(course_run),
        verify_uuid=SAMPLE_VERIFY_UUID,
        language=language,
        template_version_id=version.pk if version else None,
        is_preview=True,
    )


def _preview_date(course_run: CourseRun) -> datetime:
    if course_run.instructor_paced and course_run.certificates_display_behavior == CDB.END_WITH_DATE:
        return course_run.certificate_available_date
    if course_run.instructor_paced and course_run.certificates_display_behavior == CDB.END and course_run.end:
        return course_run.end
    return timezone.now()


def _context(
    *, course_run, configuration, mode, heading, verify_uuid, language, **values
) -> CertificateRenderContext:
    with translation.override(language):
        configured = getattr(course_run, "web_view_configured", None)
        config = {key: str(value) for key, value in web_view_config(mode, configured=configured).items()}
        direction = "rtl" if translation.get_language_bidi() else "ltr"
    mode_title = config.pop("certificate_title")  # the heading, unless the run's configuration names one
    organization = course_run.organization
    verify_url = f"{settings.SITE_URL}{reverse('certificates:page', args=[verify_uuid])}"
    context = CertificateRenderContext(
        course_key=str(course_run.id),
        course_number=course_run.id.course,
        mode=mode,
        certificate_title=heading or mode_title,
        certificate_type=config.pop("certificate_type"),
        platform_name=config.pop("platform_name"),
        organization_name=organization.name,
        organization_short_name=organization.short_name,
        organization_logo_url=organization.logo.url if organization.logo else "",
        organization_logo_name=organization.logo.name if organization.logo else "",
        signatories=_signatories(configuration),
        certificate_id=verify_uuid,
        verify_url=verify_url,
        pdf_url=reverse("certificates:pdf", args=[verify_uuid]) + f"?{urlencode({'lang': language})}",
        qr_svg=qr_svg(verify_url),
        language=language,
        direction=direction,
        extra=config,
        **values,
    )
    return _with_linkedin(context)


def _signatories(configuration) -> tuple[SignatoryData, ...]:
    if configuration is None:
        return ()
    return tuple(
        SignatoryData(
            name=s.name,
            title=s.title,
            organization=s.organization,
            image_url=s.signature_image.url if s.signature_image else "",
            image_name=s.signature_image.name if s.signature_image else "",
        )
        for s in configuration.signatories.all()
    )


def _with_linkedin(context: CertificateRenderContext) -> CertificateRenderContext:
    from dataclasses import replace

    return replace(context, linkedin_url=linkedin_add_to_profile_url(context))


def linkedin_add_to_profile_url(context: CertificateRenderContext) -> str:
    """LinkedIn's add-to-profile link (the certification form, prefilled): name, organisation, issue year and
    month, the certificate's URL (marked as coming from LinkedIn) and its id."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": context.full_title,
        "organizationName": context.organization_name,
        "certUrl": f"{context.verify_url}?utm_source=linkedin",
        "certId": context.certificate_id,
    }
    if context.issued_date is not None:
        params["issueYear"] = str(context.issued_date.year)
        params["issueMonth"] = str(context.issued_date.month)
    return f"https://www.linkedin.com/profile/add?{urlencode(params)}"


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


def template_asset_url(slug: str) -> str:
    """The URL of a template asset by slug, or '' when there is none (Open edX certificate_asset_url)."""
    asset = CertificateTemplateAsset.objects.filter(asset_slug=slug).first()
    return asset.asset.url if asset is not None and asset.asset else ""


def storage_exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)
