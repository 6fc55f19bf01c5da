"""A certificate's public address: the page anyone can open with its verify_uuid (README "Web certificates"),
as the tracking events, the API and the reports give it."""

from __future__ import annotations

from django.conf import settings

from coursecerts.certificates.models import GeneratedCertificate


def certificate_url(certificate: GeneratedCertificate) -> str:
    """The absolute URL of the certificate's public page, on SITE_URL."""
    return f"{settings.SITE_URL}/certificates/{certificate.verify_uuid}"
