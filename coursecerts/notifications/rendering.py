"""An email as the learner reads it: subject, plain text and HTML from the kind's templates (kinds.py), in the
course's language, with the organisation, the course, the links to the page, the PDF and the credential, and
the share links."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.sharing import share_links


class NoAddress(Exception):
    """The learner has no email address (or was retired): nothing can be sent."""


def email_language(certificate: GeneratedCertificate, context: dict) -> str:
    """The language the email is written in: the one the caller gave (the learner's, from the platform), else
    the course's, else LANGUAGE_CODE; each as the closest of settings.LANGUAGES (a course in 'pt' or 'zh' is
    written in 'pt-br' or 'zh-hans', README "Languages")."""
    for code in (context.get("language"), certificate.course.language, settings.LANGUAGE_CODE):
        try:
            return translation.get_supported_language_variant((code or "").lower().replace("_", "-"))
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def email_context(certificate: GeneratedCertificate, *, learner_page_url: str = "") -> dict:
    """What every kind's templates get (certificate.course.organization and certificate.user.profile loaded)."""
    course = certificate.course
    organization = course.organization.name or course.organization.short_name
    title = certificate.course_title or course.display_name
    page = certificate_url(certificate)
    site = settings.SITE_URL
    return {
        "certificate": certificate,
        "learner_name": certificate.name or _profile_name(certificate),
        "course_title": title,
        "organization_name": organization,
        "platform_name": settings.PLATFORM_NAME,
        "page_url": page,
        "pdf_url": site + reverse("certificates:pdf", args=[certificate.verify_uuid]),
        # The page offers the credential of every downloadable certificate (issued when first asked for).
        "credential_url": site + reverse("certificates:credential", args=[certificate.verify_uuid]),
        "learner_page_url": learner_page_url,
        "share": share_links(certificate, course_title=title, organization_name=organization),
    }


def _profile_name(certificate: GeneratedCertificate) -> str:
    profile = getattr(certificate.user, "profile", None)
    return (profile.name if profile else "") or certificate.user.get_full_name() or certificate.user.username


def email_message(
    *,
    kind: str,
    certificate: GeneratedCertificate,
    context: dict,
    learner_page_url: str = "",
    connection=None,
) -> EmailMultiAlternatives:
    """The email, ready to send. Raises NoAddress when the learner cannot be written to."""
    address = certificate.user.email
    if not address or not certificate.user.is_active:
        raise NoAddress(
            "The learner has no email address." if not address else "The learner's account is inactive."
        )
    with translation.override(email_language(certificate, context)):
        values = email_context(certificate, learner_page_url=learner_page_url) | context
        folder = f"notifications/email/{kind}"
        subject = " ".join(render_to_string(f"{folder}/subject.txt", values).split())
        text = render_to_string(f"{folder}/body.txt", values)
        html = render_to_string(f"{folder}/body.html", values)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
