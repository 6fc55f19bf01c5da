"""Purging data from certificate rows for learner retirement: bulk UPDATEs in one transaction.

Unlike every other certificate write these deliberately bypass save() and the history: nothing is sent to
receivers or recorded, because the data removed was never meant to travel (as Open edX does it). Callers log
what they purge.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.certificates.services.legacy_files import pdf_certificates_with_references
from coursecerts.learners.models import LearnerProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfReferencePurge:
    missing_ids: list[int]  # requested ids with no certificate row
    purgeable_ids: list[int]  # rows that still had a download_url or download_uuid
    rows_changed: int  # 0 in a dry run


@dataclass(frozen=True)
class NamePurge:
    certificates: int  # rows whose name is (or, in a dry run, would be) blanked
    history_rows: int  # history rows whose names are (or would be) blanked; 0 unless redact_history


@transaction.atomic
def certificate_purge_pdf_references(
    *, certificate_ids: Collection[int], dry_run: bool = False
) -> PdfReferencePurge:
    """Blank download_url and download_uuid of exactly these certificates (a legacy PDF's only locator, so run
    this after its files are deleted). No status or other field changes. Ids with no row are reported."""
    requested = GeneratedCertificate.objects.filter(pk__in=certificate_ids)
    found = set(requested.values_list("pk", flat=True))
    missing = sorted(set(certificate_ids) - found)
    if missing:
        log.warning(f"These certificate records do not exist, nothing purged for them: {missing}")
    purgeable = pdf_certificates_with_references().filter(pk__in=certificate_ids).order_by("pk")
    purgeable_ids = list(purgeable.values_list("pk", flat=True))
    changed = 0 if dry_run else purgeable.update(download_url="", download_uuid="")
    return PdfReferencePurge(missing_ids=missing, purgeable_ids=purgeable_ids, rows_changed=changed)


def learner_list_retired_ids() -> list[int]:
    """Ids of learners whose retirement has completed (a pending retirement can still be cancelled)."""
    return list(
        LearnerProfile.objects.filter(retired_at__isnull=False)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def certificate_purge_names(
    *, user_ids: Collection[int], redact_history: bool, dry_run: bool = False
) -> NamePurge:
    """Blank the printed name on these learners' certificates, and, when redact_history, the names in the
    certificates' history too (REDACT_CERTIFICATES_HISTORICAL_PII)."""
    certificates = GeneratedCertificate.objects.filter(user_id__in=user_ids).exclude(name="")
    history = CertificateHistory.objects.filter(certificate__user_id__in=user_ids).exclude(
        name_before="", name_after=""
    )
    if dry_run:
        return NamePurge(
            certificates=certificates.count(), history_rows=history.count() if redact_history else 0
        )
    changed = certificates.update(name="")
    history_changed = history.update(name_before="", name_after="") if redact_history else 0
    return NamePurge(certificates=changed, history_rows=history_changed)
