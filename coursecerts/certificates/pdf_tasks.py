"""Celery tasks that render a certificate's PDF after issue (CERTIFICATE_PDF_ON_ISSUE) and delete the PDFs of
certificates that stopped being downloadable. Thin: load, call."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=2, default_retry_delay=30, acks_late=True)
def render_certificate_pdf(self, *, certificate_id: int) -> str:
    """Render and store the PDF in LANGUAGE_CODE (or the closest translated language). Returns its name, or ''
    when the certificate is gone or no longer shown."""
    from coursecerts.certificates.display import PublicState, certificate_public_status
    from coursecerts.certificates.models import GeneratedCertificate
    from coursecerts.certificates.rendering.language import closest_language
    from coursecerts.certificates.rendering.selectors import certificate_get_for_rendering
    from coursecerts.certificates.services.pdf import certificate_pdf_get_or_render

    certificate = GeneratedCertificate.objects.filter(pk=certificate_id).only("verify_uuid").first()
    if certificate is None:
        return ""
    certificate = certificate_get_for_rendering(certificate.verify_uuid)
    state = certificate_public_status(certificate).state
    if state is not PublicState.VALID:
        log.info("render_certificate_pdf: certificate %s is not shown (%s)", certificate_id, state.value)
        return ""
    language = closest_language(settings.LANGUAGE_CODE) or settings.CERTIFICATE_LANGUAGES[0]
    return certificate_pdf_get_or_render(certificate=certificate, language=language).name


@shared_task(bind=True, max_retries=2, default_retry_delay=30, acks_late=True)
def render_certificate_pdfs(self, *, certificate_ids: list[int]) -> int:
    """The same for a batch of certificates issued together (course-wide generation). Returns how many were
    rendered."""
    return sum(
        1 for certificate_id in certificate_ids if render_certificate_pdf(certificate_id=certificate_id)
    )


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=3, default_retry_delay=30, acks_late=True)
def delete_certificate_pdfs(self, *, verify_uuids: list[str]) -> int:
    """Delete the stored PDFs of these certificates, which stopped being downloadable; a storage error is
    retried. Returns how many were deleted."""
    from coursecerts.certificates.services.pdf import certificate_pdfs_delete

    deleted = certificate_pdfs_delete(verify_uuids=verify_uuids)
    log.info("delete_certificate_pdfs: %d PDFs of %d certificates deleted", deleted, len(verify_uuids))
    return deleted


@shared_task(bind=True, autoretry_for=(Exception,), max_retries=3, default_retry_delay=30, acks_late=True)
def replace_certificate_pdfs(self, *, certificate_id: int, verify_uuid: str) -> str:
    """A certificate was reissued with what its PDF shows changed (a name correction): delete its stored PDFs,
    every language, then render it again in the default language. Returns the new PDF's name, or ''."""
    from coursecerts.certificates.services.pdf import certificate_pdfs_delete

    deleted = certificate_pdfs_delete(verify_uuids=[verify_uuid])
    log.info("replace_certificate_pdfs: %d stored PDFs of %s deleted", deleted, verify_uuid)
    return render_certificate_pdf(certificate_id=certificate_id)
