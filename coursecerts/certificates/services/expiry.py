"""Expiry notices (ADR 0025): the learner is told some weeks before their certificate expires, once.

The periodic task (tasks.record_expiry_notices, on celery beat) records a CertificateExpiryNotice for every
valid certificate expiring within CERTIFICATE_EXPIRY_NOTICE_WEEKS (one per certificate and expiry date: a
repeat run records nothing new), then offers the owed notices to CERTIFICATE_EXPIRY_NOTICES_OWED, in one
transaction per batch: the notifications app's receiver queues the emails there and returns True (any true
value), and the notices are marked sent. With no receiver (or one that declines) they stay owed and are offered
at the next run, so none is lost and none is sent twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from coursecerts.certificates.models import CertificateExpiryNotice, CertificateStatuses, GeneratedCertificate
from coursecerts.common import signals
from coursecerts.common.iterables import chunked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExpiryNoticesResult:
    recorded: int  # notices newly owed
    handed_over: int  # notices taken over by the notifications app (marked sent)
    owed: int  # notices still owed after this run

    def as_dict(self) -> dict:
        return {"recorded": self.recorded, "handed_over": self.handed_over, "owed": self.owed}


def _owed_window(now: datetime) -> dict:
    """The certificates a notice is owed for now: valid, and expiring within the notice window."""
    weeks = settings.CERTIFICATE_EXPIRY_NOTICE_WEEKS
    return {
        "status": CertificateStatuses.DOWNLOADABLE,
        "expires_date__gt": now,
        "expires_date__lte": now + timedelta(weeks=weeks),
        "user__profile__retired_at__isnull": True,
    }


def expiry_notices_record(*, now: datetime | None = None) -> int:
    """Record a notice for each valid certificate expiring within CERTIFICATE_EXPIRY_NOTICE_WEEKS that has none
    for its expiry date yet (0 weeks: none). Returns how many were recorded."""
    now = now or timezone.now()
    if settings.CERTIFICATE_EXPIRY_NOTICE_WEEKS <= 0:
        return 0
    noticed = CertificateExpiryNotice.objects.filter(
        certificate=OuterRef("pk"), expires_date=OuterRef("expires_date")
    )
    due = (
        GeneratedCertificate.objects.filter(**_owed_window(now))
        .filter(~Exists(noticed))
        .order_by("pk")
        .values_list("pk", "expires_date")
    )
    recorded = 0
    for batch in chunked(due.iterator(chunk_size=2000), 2000):
        rows = [
            CertificateExpiryNotice(certificate_id=pk, expires_date=cast(datetime, expires))
            for pk, expires in batch
        ]
        # a concurrent run's rows for the same (certificate, expiry date) are kept, never doubled
        CertificateExpiryNotice.objects.bulk_create(rows, ignore_conflicts=True)
        recorded += len(rows)
    return recorded


def expiry_notices_hand_over(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Offer owed notices of certificates still valid and expiring on the noticed date to the receivers of
    CERTIFICATE_EXPIRY_NOTICES_OWED, a batch per transaction; mark them sent when one takes them. Returns how
    many were taken."""
    now = now or timezone.now()
    taken = 0
    while True:
        with transaction.atomic():
            notices = _owed_batch(now, batch_size)
            if not notices:
                return taken
            responses = signals.CERTIFICATE_EXPIRY_NOTICES_OWED.send(
                sender=CertificateExpiryNotice, notices=notices
            )
            if not any(response for _, response in responses):
                log.info("expiry notices: %d owed, no receiver took them (they stay owed)", len(notices))
                return taken
            CertificateExpiryNotice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=now)
            taken += len(notices)
        if len(notices) < batch_size:
            return taken


def _owed_batch(now: datetime, size: int) -> list[CertificateExpiryNotice]:
    """The next owed notices, locked (two runs at once take different ones): only the notice rows are locked
    where the database can say so, never the certificates, which generation writes."""
    lock: dict[str, Any] = {"skip_locked": connection.features.has_select_for_update_skip_locked}
    if connection.features.has_select_for_update_of:
        lock["of"] = ("self",)
    ids = list(
        CertificateExpiryNotice.objects.select_for_update(**lock)
        .filter(
            sent_at__isnull=True,
            certificate__status=CertificateStatuses.DOWNLOADABLE,
            certificate__expires_date=F("expires_date"),
            certificate__expires_date__gt=now,
            certificate__user__profile__retired_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    notices = CertificateExpiryNotice.objects.filter(pk__in=ids).select_related(
        "certificate__course__organization", "certificate__user"
    )
    return list(notices.order_by("pk"))


def expiry_notices_run(*, now: datetime | None = None) -> ExpiryNoticesResult:
    """Record the notices owed now, then hand them over (the periodic task)."""
    now = now or timezone.now()
    recorded = expiry_notices_record(now=now)
    handed_over = expiry_notices_hand_over(now=now)
    owed = CertificateExpiryNotice.objects.filter(sent_at__isnull=True).count()
    result = ExpiryNoticesResult(recorded=recorded, handed_over=handed_over, owed=owed)
    log.info("expiry notices: %s", result.as_dict())
    return result
