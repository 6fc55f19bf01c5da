"""Learner retirement, end to end (ADR 0012): legacy PDF files, rendered PDFs, names and email.

Order matters. Files go first, outside any transaction (storage calls can be slow and cannot be rolled back):
the four legacy files of each PDF certificate, then the PDFs coursecerts rendered. Then one transaction blanks
the PDF references of the certificates whose files are all gone (a certificate with a file left keeps them, so
that a second run can find and delete it), the names on certificates and their history, the profile's names and
the auth user's email and names, marks the profile retired and writes a RetirementRecord without personal data.
Certificate rows, statuses, modes, dates and verify_uuid stay, so course statistics stay right.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coursecerts.certificates.events import certificates_written
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services.legacy_files import legacy_storage, pdf_certificate_files_list
from coursecerts.certificates.services.name_correction import name_corrections_blank_for_user
from coursecerts.certificates.services.pdf import stored_pdfs
from coursecerts.certificates.services.purge import certificate_purge_names, certificate_purge_pdf_references
from coursecerts.learners.models import LearnerProfile, RetirementRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)


@dataclass
class RetirementResult:
    user_id: int
    dry_run: bool
    certificates: int = 0  # certificate rows whose name is (would be) blanked
    history_rows: int = 0
    pdf_references: list[int] = field(default_factory=list)  # certificates whose references went
    learner_rows: int = 0  # profile and auth user rows changed
    files_deleted: list[str] = field(default_factory=list)  # legacy files (dry run: to delete)
    files_missing: list[str] = field(default_factory=list)  # legacy files not in storage: nothing to delete
    files_failed: list[dict] = field(default_factory=list)  # {"path", "error"}: kept for a rerun
    rendered_pdfs: list[str] = field(default_factory=list)  # coursecerts' own PDFs (dry run: to delete)
    record_id: int | None = None  # None: dry run, or nothing left to do

    @property
    def complete(self) -> bool:
        return not self.files_failed

    def summary(self) -> dict:
        return {
            "user_id": self.user_id,
            "dry_run": self.dry_run,
            "complete": self.complete,
            "record_id": self.record_id,
            "certificates_changed": self.certificates,
            "history_rows_changed": self.history_rows,
            "pdf_references_purged": self.pdf_references,
            "learner_rows_changed": self.learner_rows,
            "files_deleted": self.files_deleted,
            "files_missing": self.files_missing,
            "files_failed": self.files_failed,
            "rendered_pdfs_deleted": self.rendered_pdfs,
        }


def learner_retire(
    *, user: User, actor: User | None = None, source: str = "command", dry_run: bool = False
) -> RetirementResult:
    """Retire `user`: see the module docstring. Idempotent: a rerun deletes what a failed delete left and
    changes nothing else; a run with nothing left to do writes no record. A dry run lists and changes nothing."""
    result = RetirementResult(user_id=user.pk, dry_run=dry_run)
    pdf_certificates = pdf_certificate_files_list(user_ids=[user.pk])
    verify_uuids = GeneratedCertificate.objects.filter(user=user).values_list("verify_uuid", flat=True)
    rendered = stored_pdfs(verify_uuids)
    if dry_run:
        return _planned(result, user, pdf_certificates, [name for _, names in rendered for name in names])
    storage = legacy_storage()
    cleared = []
    for certificate in pdf_certificates:
        failed = _delete_all(storage, certificate.paths, result.files_deleted, result.files_missing)
        result.files_failed.extend(failed)
        if not failed:
            cleared.append(certificate.certificate_id)
    for where, names in rendered:
        result.files_failed.extend(_delete_all(where, names, result.rendered_pdfs, []))
    _retire_rows(result, user, actor=actor, source=source, cleared=cleared)
    return result


def learner_retirement_pending(user: User) -> bool:
    """Whether retiring `user` has anything left to do: not retired yet, or the last run left files."""
    if not LearnerProfile.objects.filter(user=user, retired_at__isnull=False).exists():
        return True
    last = RetirementRecord.objects.filter(user_id_retired=user.pk).order_by("-created_at", "-pk").first()
    return last is not None and bool(last.files_failed)


def _planned(result, user, pdf_certificates, rendered) -> RetirementResult:
    names = certificate_purge_names(user_ids=[user.pk], redact_history=True, dry_run=True)
    result.certificates, result.history_rows = names.certificates, names.history_rows
    result.pdf_references = [c.certificate_id for c in pdf_certificates]
    storage = legacy_storage()
    for path in (path for c in pdf_certificates for path in c.paths):
        (result.files_deleted if storage.exists(path) else result.files_missing).append(path)
    result.rendered_pdfs = rendered
    result.learner_rows = _profile_rows(user).count() + _user_rows(user).count()
    return result


def _delete_all(storage, names: list[str], deleted: list[str], missing: list[str]) -> list[dict]:
    """Delete each file, then its folder when that is left empty. A file not in storage counts as gone and is
    listed in `missing`, not `deleted` (storages delete a missing file without a word, so it is asked first).
    Returns the failures (path and error type only)."""
    failed = []
    for name in names:
        try:
            if not storage.exists(name):
                missing.append(name)
                continue
            storage.delete(name)
        except FileNotFoundError:
            missing.append(name)
            continue
        except Exception as exc:  # any storage error: keep going, report it, and keep the references
            log.warning("retirement: could not delete %s: %s", name, type(exc).__name__)
            failed.append({"path": name, "error": type(exc).__name__})
            continue
        deleted.append(name)
    _remove_empty_folders(storage, deleted)
    return failed


def _remove_empty_folders(storage, names: list[str]) -> None:
    """Remove the folders of the deleted files that are now empty, up to (not including) the storage's root: a
    local storage keeps a folder per certificate (object storages have none; a later save recreates them)."""
    try:
        root = Path(storage.path("")).resolve()
    except NotImplementedError:
        return
    for name in names:
        folder = Path(storage.path(name)).resolve().parent
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty, or already gone
                break
            folder = folder.parent


@transaction.atomic
def _retire_rows(result: RetirementResult, user, *, actor, source: str, cleared: list[int]) -> None:
    # The profile row is the learner's lock, taken first here as in course-wide generation (which locks its
    # chunk's profiles before reading names): a chunk that read the name commits before this purge runs, and a
    # chunk that starts after reads the blank name.
    LearnerProfile.objects.get_or_create(user=user)
    list(LearnerProfile.objects.select_for_update().filter(user=user).values_list("pk", flat=True))
    purge = certificate_purge_pdf_references(certificate_ids=cleared)
    result.pdf_references = purge.purgeable_ids if purge.rows_changed else []
    names = certificate_purge_names(user_ids=[user.pk], redact_history=True)
    result.certificates, result.history_rows = names.certificates, names.history_rows
    result.learner_rows = _profile_rows(user).update(name="", verified_name="", retired_at=timezone.now())
    result.learner_rows += _user_rows(user).update(email="", first_name="", last_name="")
    name_corrections_blank_for_user(user_id=user.pk)  # the names they asked for (ADR 0024)
    # Their Open Badges credentials are revoked and blanked (the status index stays taken), in this transaction.
    certificates_written(list(GeneratedCertificate.objects.filter(user=user)), reason="retired")
    changed = (
        result.pdf_references
        or result.certificates
        or result.history_rows
        or result.learner_rows
        or result.files_deleted
        or result.rendered_pdfs
        or result.files_failed
    )
    if changed:
        result.record_id = _record(result, actor=actor, source=source).pk
    log.info("retirement of user %s: %s", user.pk, "done" if result.complete else "incomplete, run it again")


def _record(result: RetirementResult, *, actor, source: str) -> RetirementRecord:
    record = RetirementRecord(
        user_id_retired=result.user_id,
        retired_by=actor,
        source=source,
        certificates_changed=result.certificates,
        history_rows_changed=result.history_rows,
        pdf_references_purged=len(result.pdf_references),
        learner_rows_changed=result.learner_rows,
        rendered_pdfs_deleted=len(result.rendered_pdfs),
        files_deleted=result.files_deleted,
        files_missing=result.files_missing,
        files_failed=result.files_failed,
    )
    record.full_clean()
    record.save()
    return record


def _profile_rows(user):
    unretired = Q(retired_at__isnull=True)
    return LearnerProfile.objects.filter(user=user).filter(unretired | ~Q(name="") | ~Q(verified_name=""))


def _user_rows(user):
    return get_user_model().objects.filter(pk=user.pk).exclude(email="", first_name="", last_name="")
