"""Certificate PDFs: rendered once, kept in private storage, replaced when the certificate changes, deleted
when it stops being downloadable.

The storage is STORAGES["certificate_pdfs"] (README "Storage"): never served at MEDIA_URL, so a PDF is reached
only through /certificates/<verify_uuid>/pdf, which checks the certificate first (ADR 0011). The stored name is
deterministic, `certificates/pdf/<verify_uuid>/<language>-<fingerprint>.pdf`, where the fingerprint hashes
everything the PDF shows (stored name, course title, mode, date, template version, signatories,
organisation...). A reissue or a new date changes the fingerprint, so the next request (or the task after
issue) renders the new PDF and deletes the old one of that language.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.db import transaction
from django.utils import translation

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.common.validators import without_control_characters

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.core.files import File

    from coursecerts.certificates.rendering.context import CertificateRenderContext
    from coursecerts.certificates.rendering.pdf import PdfAttachment

log = logging.getLogger(__name__)

PDF_FOLDER = "certificates/pdf"
DESIGN_VERSION = "2"  # bump when the built-in design changes, so stored PDFs are drawn anew

# Files a certificate's PDF carries (PDF/A-3b), from the apps that make them: the credentials app registers the
# Open Badges credential (credentials.attachment), so this app never imports it. A provider takes the
# certificate and returns a rendering.pdf.PdfAttachment or None.
_attachment_providers: list[Callable[[GeneratedCertificate], PdfAttachment | None]] = []


def pdf_attachment_provider_register(
    provider: Callable[[GeneratedCertificate], PdfAttachment | None],
) -> None:
    if provider not in _attachment_providers:
        _attachment_providers.append(provider)


def _pdf_attachment(certificate):
    for provider in _attachment_providers:
        attachment = provider(certificate)
        if attachment is not None:
            return attachment
    return None


def pdf_storage() -> Storage:
    return storages["certificate_pdfs"]


@dataclass(frozen=True)
class StoredPdf:
    name: str  # in pdf_storage()
    filename: str  # what the visitor's browser saves it as
    rendered: bool  # rendered by this call (False: it was already stored)


def pdf_storage_name(context: CertificateRenderContext, attachment: PdfAttachment | None = None) -> str:
    """The name hashes what the PDF shows and the file it carries: a new credential makes a new PDF."""
    carried = hashlib.sha256(attachment.data).hexdigest() if attachment is not None else None
    fingerprint = json.dumps([DESIGN_VERSION, context.fingerprint(), carried], sort_keys=True, default=str)
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    return f"{PDF_FOLDER}/{context.certificate_id}/{context.language}-{digest}.pdf"


def pdf_filename(context: CertificateRenderContext) -> str:
    """e.g. 'Data Science 101 - Jane Doe - certificate.pdf'; characters browsers refuse are dropped, and so are
    control characters and bidirectional overrides (which could make 'gnp.exe' read as 'exe.png')."""
    parts = [context.course_title, context.learner_name, "certificate"]
    text = without_control_characters(" - ".join(p for p in parts if p))
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", text)[:150].strip() + ".pdf"


def certificate_pdf_get_or_render(*, certificate: GeneratedCertificate, language: str) -> StoredPdf:
    """The stored PDF of a downloadable certificate in `language`, rendered and stored first if needed."""
    from coursecerts.certificates.rendering.pdf import render_default_pdf, render_html_pdf
    from coursecerts.certificates.rendering.render import render_certificate_html
    from coursecerts.certificates.rendering.selectors import certificate_render_context

    attachment = _pdf_attachment(certificate)
    with translation.override(language):
        context = certificate_render_context(certificate, language=language)
        name = pdf_storage_name(context, attachment)
        stored = StoredPdf(name=name, filename=pdf_filename(context), rendered=False)
        if pdf_storage().exists(name):
            return stored
        version = certificate.template_version
        if version is None:
            pdf = render_default_pdf(context, attachment=attachment)
        else:
            pdf = render_html_pdf(
                render_certificate_html(_with_png_qr(context), version), attachment=attachment
            )
    _store(name, pdf)
    _delete_stale(context.certificate_id, language, keep=name)
    log.info("certificate %s: PDF stored as %s (%d bytes)", certificate.verify_uuid, name, len(pdf))
    return StoredPdf(name=name, filename=stored.filename, rendered=True)


def _with_png_qr(context):
    from dataclasses import replace

    from coursecerts.certificates.rendering.qr import qr_png_img

    return replace(context, qr_svg=qr_png_img(context.verify_url))


def _store(name: str, pdf: bytes) -> None:
    saved = pdf_storage().save(name, ContentFile(pdf))
    if saved != name:  # another request stored the same PDF first: keep theirs
        pdf_storage().delete(saved)


def _delete_stale(verify_uuid: str, language: str, *, keep: str) -> None:
    for name in stored_pdf_names(verify_uuid):
        if name.rsplit("/", 1)[1].startswith(f"{language}-") and name != keep:
            pdf_storage().delete(name)


def stored_pdf_names(verify_uuid: str, *, storage: Storage | None = None) -> list[str]:
    """The names of a certificate's stored PDFs (all languages), in pdf_storage() or the given storage."""
    storage = storage or pdf_storage()
    folder = f"{PDF_FOLDER}/{verify_uuid}"
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{filename}" for filename in sorted(files)]


def stored_pdfs(verify_uuids: Iterable[str]) -> list[tuple[Storage, list[str]]]:
    """Every stored PDF of these certificates (all languages), by storage: the private PDF storage, then the
    public media storage where older versions kept them until move_certificate_pdfs moves them (README
    "Storage")."""
    verify_uuids = list(verify_uuids)
    return [
        (
            storage,
            [name for verify_uuid in verify_uuids for name in stored_pdf_names(verify_uuid, storage=storage)],
        )
        for storage in (pdf_storage(), default_storage)
    ]


def certificate_pdfs_delete(*, verify_uuids: list[str]) -> int:
    """Delete every stored PDF of these certificates (stored_pdfs). Returns how many."""
    deleted = 0
    for storage, names in stored_pdfs(verify_uuids):
        for name in names:
            storage.delete(name)
            deleted += 1
    return deleted


def certificate_pdfs_delete_on_commit(changes: Iterable[tuple[GeneratedCertificate, str | None]]) -> None:
    """After the caller's transaction commits, queue deleting the PDFs of the certificates that stopped being
    downloadable: `changes` holds (certificate, status before) pairs, as the services write them. Per-learner
    and course-wide writes both call this, so no rendered PDF outlives a revocation, an invalidation or a
    failed ID verification."""
    from coursecerts.certificates.pdf_tasks import delete_certificate_pdfs

    verify_uuids = [
        certificate.verify_uuid
        for certificate, status_before in changes
        if status_before == CertificateStatuses.DOWNLOADABLE
        and certificate.status != CertificateStatuses.DOWNLOADABLE
    ]
    if verify_uuids:
        # robust: a storage error after commit is logged, never turned into the caller's error (the PDFs are
        # private, and /certificates/<id>/pdf serves none of a certificate that is not downloadable)
        transaction.on_commit(lambda: delete_certificate_pdfs.delay(verify_uuids=verify_uuids), robust=True)


def certificate_pdfs_replace_on_commit(certificate: GeneratedCertificate) -> None:
    """After the caller's transaction commits, delete every stored PDF of a certificate reissued with what
    its PDF shows changed (a name correction: the old name must not stay in storage in any language), then
    render it again in the default language (pdf_tasks.replace_certificate_pdfs: one task, in that order)."""
    from coursecerts.certificates.pdf_tasks import replace_certificate_pdfs

    certificate_id, verify_uuid = certificate.pk, certificate.verify_uuid
    transaction.on_commit(
        lambda: replace_certificate_pdfs.delay(certificate_id=certificate_id, verify_uuid=verify_uuid),
        robust=True,
    )


def open_stored_pdf(name: str) -> File:
    return pdf_storage().open(name, "rb")


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
