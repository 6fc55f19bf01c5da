"""Certificate PDFs: rendered once, kept in the default storage, replaced when the certificate changes.

The stored name is deterministic, `certificates/pdf/<verify_uuid>/<language>-<fingerprint>.pdf`, where the
fingerprint hashes everything the PDF shows (stored name, course title, mode, date, template version,
signatories, organisation...). A reissue or a new date changes the fingerprint, so the next request (or the
task after issue) renders the new PDF and deletes the old one of that language.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.common.validators import without_control_characters

log = logging.getLogger(__name__)

PDF_FOLDER = "certificates/pdf"
DESIGN_VERSION = "1"  # bump when the built-in design changes, so stored PDFs are drawn anew


@dataclass(frozen=True)
class StoredPdf:
    name: str  # in the default storage
    filename: str  # what the visitor's browser saves it as
    rendered: bool  # rendered by this call (False: it was already stored)


def pdf_storage_name(context) -> str:
    fingerprint = json.dumps([DESIGN_VERSION, context.fingerprint()], sort_keys=True, default=str)
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    return f"{PDF_FOLDER}/{context.certificate_id}/{context.language}-{digest}.pdf"


def pdf_filename(context) -> str:
    """e.g. 'Data Science 101 - Jane Doe - certificate.pdf'; characters browsers refuse are dropped, and so are
    control characters and bidirectional overrides (which could make 'gnp.exe' read as 'exe.png')."""
    parts = [context.course_title, context.learner_name, "certificate"]
    text = without_control_characters(" - ".join(p for p in parts if p))
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", text)[:150].strip() + ".pdf"


def certificate_pdf_get_or_render(*, certificate: GeneratedCertificate, language: str) -> StoredPdf:
    """The stored PDF of a downloadable certificate in `language`, rendered and stored first if needed."""
    from coursecerts.certificates.web.pdf import render_default_pdf, render_html_pdf
    from coursecerts.certificates.web.render import render_certificate_html
    from coursecerts.certificates.web.selectors import certificate_render_context

    with translation.override(language):
        context = certificate_render_context(certificate, language=language)
        name = pdf_storage_name(context)
        stored = StoredPdf(name=name, filename=pdf_filename(context), rendered=False)
        if default_storage.exists(name):
            return stored
        version = certificate.template_version
        if version is None:
            pdf = render_default_pdf(context)
        else:
            pdf = render_html_pdf(render_certificate_html(_with_png_qr(context), version))
    _store(name, pdf)
    _delete_stale(context.certificate_id, language, keep=name)
    log.info("certificate %s: PDF stored as %s (%d bytes)", certificate.verify_uuid, name, len(pdf))
    return StoredPdf(name=name, filename=stored.filename, rendered=True)


def _with_png_qr(context):
    from dataclasses import replace

    from coursecerts.certificates.web.qr import qr_png_img

    return replace(context, qr_svg=qr_png_img(context.verify_url))


def _store(name: str, pdf: bytes) -> None:
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:  # another request stored the same PDF first: keep theirs
        default_storage.delete(saved)


def _delete_stale(verify_uuid: str, language: str, *, keep: str) -> None:
    folder = f"{PDF_FOLDER}/{verify_uuid}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for filename in files:
        name = f"{folder}/{filename}"
        if filename.startswith(f"{language}-") and name != keep:
            default_storage.delete(name)


def certificate_pdfs_delete(*, certificate: GeneratedCertificate) -> int:
    """Delete every stored PDF of a certificate (all languages). Returns how many."""
    folder = f"{PDF_FOLDER}/{certificate.verify_uuid}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    for filename in files:
        default_storage.delete(f"{folder}/{filename}")
    return len(files)


def open_stored_pdf(name: str):
    return default_storage.open(name, "rb")


def certificate_pdfs_render_on_commit(certificate_ids: list[int], *, batch: int = 100) -> None:
    """The same for certificates issued in bulk: one task per batch of `batch` certificates."""
    if not settings.CERTIFICATE_PDF_ON_ISSUE or not certificate_ids:
        return
    from coursecerts.certificates.pdf_tasks import render_certificate_pdfs

    batches = [certificate_ids[start : start + batch] for start in range(0, len(certificate_ids), batch)]
    transaction.on_commit(lambda: [render_certificate_pdfs.delay(certificate_ids=ids) for ids in batches])


def certificate_pdf_render_on_commit(certificate: GeneratedCertificate) -> None:
    """After the caller's transaction commits, queue rendering of the PDF in the default language, when
    CERTIFICATE_PDF_ON_ISSUE is on (otherwise it is rendered on its first request)."""
    if not settings.CERTIFICATE_PDF_ON_ISSUE:
        return
    from coursecerts.certificates.pdf_tasks import render_certificate_pdf

    certificate_id = certificate.pk
    transaction.on_commit(lambda: render_certificate_pdf.delay(certificate_id=certificate_id))
