"""Named reads for rendering: the typed render context of an issued certificate (its page and PDF) and of the
staff preview's sample, and the template assets operators' templates link to."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coursecerts.certificates.display import PublicState, display_date_for_certificate
from coursecerts.certificates.expiry import is_expired
from coursecerts.certificates.models import (
    CertificateHtmlViewConfiguration,
    CertificateTemplateAsset,
    CertificateTemplateVersion,
    GeneratedCertificate,
)
from coursecerts.certificates.rendering.configuration import printed_titles, web_view_config
from coursecerts.certificates.rendering.context import CertificateRenderContext, SignatoryData
from coursecerts.certificates.rendering.qr import qr_svg
from coursecerts.certificates.rendering.stored import known_qr_codes
from coursecerts.courses.models import CertificatesDisplayBehaviors as CDB
from coursecerts.courses.models import CourseRun

SAMPLE_VERIFY_UUID = "0" * 32


def certificate_get_for_rendering(verify_uuid: str) -> GeneratedCertificate | None:
    """The certificate with this public id, with everything its page and PDF show, in two queries."""
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
    return _context(
        course_run=course_run,
        configuration=configuration,
        learner_name=certificate.name,
        stored_course_title=certificate.course_title,
        mode=certificate.mode,
        issued_date=display_date_for_certificate(certificate, course_run, now),
        verify_uuid=certificate.verify_uuid,
        language=language,
        template_version_id=certificate.template_version_id,
        status=public_state.value if public_state is not None else "",
        expires_date=certificate.expires_date,
        expired=is_expired(certificate, now),
        known_qr=known_qr_codes(certificate),
    )


def preview_render_context(
    course_run: CourseRun, *, mode: str, language: str, version: CertificateTemplateVersion | None
) -> CertificateRenderContext:
    """A sample certificate of the run in `mode`, as it would be issued now (README "Web certificates": the preview)."""
    configuration = getattr(course_run, "certificate_configuration", None)
    with translation.override(language):
        sample_name = _("Sample Learner")
    return _context(
        course_run=course_run,
        configuration=configuration,
        learner_name=sample_name,
        stored_course_title="",
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
    *,
    course_run,
    configuration,
    mode,
    stored_course_title,
    verify_uuid,
    language,
    known_qr: dict[str, str] | None = None,
    **values,
) -> CertificateRenderContext:
    with translation.override(language):
        # A run loaded with its web-view configuration (`web_view_configured`, web.page_cache) spares the query.
        configured = getattr(course_run, "web_view_configured", None)
        if configured is None:
            configured = CertificateHtmlViewConfiguration.get_config()
        config = {key: str(value) for key, value in web_view_config(mode, configured=configured).items()}
        certificate_title, course_title = printed_titles(
            course_run, mode=mode, stored_course_title=stored_course_title, configured=configured
        )
        direction = "rtl" if translation.get_language_bidi() else "ltr"
    del config["certificate_title"]  # printed_titles says which title is printed
    organization = course_run.organization
    verify_url = f"{settings.SITE_URL}{reverse('certificates:page', args=[verify_uuid])}"
    context = CertificateRenderContext(
        course_key=str(course_run.id),
        course_number=course_run.id.course,
        mode=mode,
        certificate_title=certificate_title,
        course_title=course_title,
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
        qr_svg=(known_qr or {}).get(verify_url) or qr_svg(verify_url),  # stored with the certificate
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


def template_asset_url(slug: str) -> str:
    """The URL of a template asset by slug, or '' when there is none (Open edX certificate_asset_url)."""
    asset = CertificateTemplateAsset.objects.filter(asset_slug=slug).first()
    return asset.asset.url if asset is not None and asset.asset else ""
