"""A certificate's preview image: the first page of its PDF as a PNG PREVIEW_WIDTH pixels wide, for the page's
Open Graph and Twitter card (what LinkedIn, X and chat apps show with a shared link). Drawn once and stored beside
the PDF, under the PDF's name with .png: it shares the PDF's fingerprint (a reissue or a new date makes a new one)
and the PDF's life (certificate_pdfs_delete and retirement list the certificate's folder, so a revocation, a name
correction or a retirement takes it along). Drawn with PDFium (pypdfium2), whatever engine made the PDF."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services.pdf import certificate_pdf_get_or_render, pdf_storage

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 1200  # Open Graph's recommended width; the height follows the page (A4 landscape: 849)


def certificate_preview_get_or_render(*, certificate: GeneratedCertificate, language: str) -> str:
    """The stored preview's name in pdf_storage(), drawn from the stored PDF first if needed."""
    pdf = certificate_pdf_get_or_render(certificate=certificate, language=language)
    name = pdf.name.removesuffix(".pdf") + ".png"
    storage = pdf_storage()
    if storage.exists(name):
        return name
    with storage.open(pdf.name, "rb") as file:
        png = pdf_first_page_png(file.read(), width=PREVIEW_WIDTH)
    saved = storage.save(name, ContentFile(png))
    if saved != name:  # another request stored it first: keep theirs
        storage.delete(saved)
    log.info("certificate %s: preview image stored as %s (%d bytes)", certificate.verify_uuid, name, len(png))
    return name


def pdf_first_page_png(pdf: bytes, *, width: int) -> bytes:
    import pypdfium2  # imported here: only the preview needs PDFium

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
