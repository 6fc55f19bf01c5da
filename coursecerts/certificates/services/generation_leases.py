"""The leases on the chunks of a course-wide generation (ADR 0007): who may write a chunk, and for how long.

A chunk is claimed with a conditional update (pending, or running with an expired lease -> running), so two
workers never write the same chunk at once. While a worker writes a chunk, a thread renews its lease (claimed_at)
every quarter lease (the heartbeat), so a live slow chunk is never taken over; a worker killed mid-chunk leaves
its transaction rolled back and the chunk claimed, to be taken again once its last heartbeat is a lease old. A
chunk's claim is numbered (attempts): the write marks the chunk done only under its own claim (chunk_claim), so
a worker that lost its lease rolls back (LeaseLost) rather than write the chunk a second time.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from coursecerts.certificates.models import CertificateGenerationChunk, JobStates

log = logging.getLogger(__name__)


def lease_seconds() -> int:
    return settings.CERTIFICATE_GENERATION_LEASE_SECONDS


def heartbeat_seconds() -> float:
    """How often a worker renews its chunk's lease: a quarter of the lease, so that three heartbeats may be late
    (a database busy, a pause of the process) before anyone may take the chunk over."""
    return lease_seconds() / 4


def lease_start() -> datetime:
    """A claim older than this has expired."""
    return timezone.now() - timedelta(seconds=lease_seconds())


def expired() -> Q:
    """Running chunks whose worker's lease has expired (it died, or its heartbeats stopped)."""
    return Q(state=JobStates.RUNNING, claimed_at__lt=lease_start())


def claimable() -> Q:
    """Pending chunks, chunks whose worker's lease has expired (it died), and failed chunks (to retry)."""
    return Q(state=JobStates.PENDING) | expired() | Q(state=JobStates.FAILED)


class LeaseLost(Exception):
    """The chunk was taken over while this worker wrote it (its heartbeats were late by a whole lease): its
    writes are rolled back, and the worker that holds the claim now writes the chunk."""


def chunk_claim(chunk_id: int, attempt: int) -> QuerySet[CertificateGenerationChunk]:
    """The chunk, while it is running under this claim (attempts numbers the claims)."""
    return CertificateGenerationChunk.objects.filter(pk=chunk_id, state=JobStates.RUNNING, attempts=attempt)


def chunk_lease_renew(*, chunk_id: int, attempt: int) -> bool:
    """Renew a running chunk's lease under its claim (a heartbeat). Returns False when the claim is gone (the
    chunk is done, failed, or another worker took it over)."""
    return bool(chunk_claim(chunk_id, attempt).update(claimed_at=timezone.now()))


@contextlib.contextmanager
def chunk_lease_kept(*, chunk_id: int, attempt: int) -> Iterator[None]:
    """Heartbeats for the chunk's lease while the body runs: a thread, with its own database connection (the
    body's transaction is not committed yet), renews claimed_at every heartbeat_seconds(). The thread stops when
    the body ends or the claim is gone; a heartbeat that fails (the database briefly away) is logged and the next
    one tries again. On SQLite the chunk's write transaction holds the database, so a heartbeat waits for it:
    there, a claim by another worker waits for it too, and finds the chunk done."""
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeats, args=(chunk_id, attempt, stop), name=f"chunk-{chunk_id}-lease", daemon=True
    )
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()


def _heartbeats(chunk_id: int, attempt: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(heartbeat_seconds()):
            try:
                if not chunk_lease_renew(chunk_id=chunk_id, attempt=attempt):
                    return
            except Exception:  # a missed heartbeat is survivable; the lease allows three in a row
                log.warning("chunk %s: heartbeat failed", chunk_id, exc_info=True)
    finally:
        connection.close()
