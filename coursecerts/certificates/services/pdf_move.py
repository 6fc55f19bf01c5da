"""Moving the PDFs that older versions rendered into the public media storage (default storage,
certificates/pdf/<verify_uuid>/...) to the private PDF storage, once, at upgrade (move_certificate_pdfs).

A PDF of a certificate that is still downloadable is copied to the private storage (unless already there) and
then deleted from the media storage; the PDFs of any other certificate (invalidated, revoked, of a retired
learner, or unknown) are deleted. Afterwards nothing is left under MEDIA_ROOT/certificates/pdf. Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from coursecerts.certificates.display import PublicState, certificate_record_status
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services.pdf import PDF_FOLDER, pdf_storage, stored_pdf_names

_KEPT = (PublicState.VALID, PublicState.EXPIRED, PublicState.NOT_YET)
_BATCH = 500


@dataclass
class PdfMoveResult:
    dry_run: bool
    moved: list[str] = field(default_factory=list)  # now in the private storage (dry run: would be)
    deleted: list[str] = field(default_factory=list)  # of certificates no longer downloadable

    def summary(self) -> str:
        verb = ("Would move", "would delete") if self.dry_run else ("Moved", "deleted")
        return (
            f"{verb[0]} {len(self.moved)} PDFs to the private PDF storage and {verb[1]} {len(self.deleted)} "
            "PDFs of certificates that are no longer downloadable"
        )


def certificate_pdfs_move_to_private(*, dry_run: bool = False) -> PdfMoveResult:
    """See the module docstring."""
    result = PdfMoveResult(dry_run=dry_run)
    try:
        folders, _ = default_storage.listdir(PDF_FOLDER)
    except FileNotFoundError:
        return result
    for start in range(0, len(folders), _BATCH):
        batch = folders[start : start + _BATCH]
        kept = _downloadable_verify_uuids(batch)
        for verify_uuid in batch:
            for name in stored_pdf_names(verify_uuid, storage=default_storage):
                if verify_uuid in kept:
                    result.moved.append(name)
                    if not dry_run:
                        _move(name)
                else:
                    result.deleted.append(name)
                    if not dry_run:
                        default_storage.delete(name)
    return result


def _downloadable_verify_uuids(verify_uuids: list[str]) -> set[str]:
    certificates = GeneratedCertificate.objects.select_related("course").filter(verify_uuid__in=verify_uuids)
    return {c.verify_uuid for c in certificates if certificate_record_status(c).state in _KEPT}


def _move(name: str) -> None:
    private = pdf_storage()
    if not private.exists(name):
        with default_storage.open(name, "rb") as stored:
            private.save(name, stored)
    default_storage.delete(name)
