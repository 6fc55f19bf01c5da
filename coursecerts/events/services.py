"""Recording owed work in the outbox, and draining it (ADR 0013).

A data change records what it owes with outbox_record, inside its own transaction; after the commit the drain is
kicked (a Celery task: in the request itself without a broker). The drain claims one due entry at a time with a
conditional update and a lease (as course-wide generation claims its chunks), runs the handler its kind
registered, and marks it done; a failure is kept on the entry with its error and retried later, with a growing
delay. An entry whose drainer died keeps its claim until the lease runs out, then is due again: handlers must be
idempotent (running one twice writes nothing the second time), so "at least once" is "exactly once" in effect.

What kicks a drain: the commit that recorded an entry (which also runs any leftovers), the periodic task
(CELERY_BEAT_SCHEDULE), a Celery worker's start, and the drain_outbox command.

Micro-batches (issue 20): a kind may also register a batch handler (outbox_batch_handler). The drain then claims,
with the entry it took, up to that many more due entries of the same kind and course run, and runs them in one
call: a stream of one-learner entries (each grade event owes one learner's generation) is decided set-based, a
batch at a time, instead of one transaction per learner. A batch that fails is run again entry by entry, so only
the entries that fail keep an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from coursecerts.events.models import OutboxEntry

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from coursecerts.courses.models import CourseRun

log = logging.getLogger(__name__)

# A handler runs one entry and returns what it did (a JSON-able dict, stored on the entry). It calls
# heartbeat() between steps of a long entry, so that its lease does not run out while it works.
Handler = Callable[..., dict]
_HANDLERS: dict[str, Handler] = {}
# A batch handler runs many entries of one kind and course run at once: `handler(entries, *, heartbeat) -> dict`.
_BATCH_HANDLERS: dict[str, tuple[Callable[..., dict], int]] = {}
# Delay before retry n: 30 s, 1, 2, 4 ... minutes, at most an hour (a broken entry costs little while it waits).
_RETRY_FIRST_SECONDS, _RETRY_MAX_SECONDS = 30, 3600


def outbox_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs entries of `kind`: `handler(entry, *, heartbeat) -> dict`. The app that
    owns the work registers it (in AppConfig.ready), so this app imports none of them."""

    def register(function: Handler) -> Handler:
        _HANDLERS[kind] = function
        return function

    return register


def outbox_batch_handler(kind: str, *, most: int) -> Callable[[Handler], Handler]:
    """Register the function that runs up to `most` due entries of `kind` and one course run at once:
    `handler(entries, *, heartbeat) -> dict` (the result stored on each of them, with "entries": their count).
    It must be idempotent as a handler is, and write what running the entries one by one would write."""

    def register(function: Handler) -> Handler:
        _BATCH_HANDLERS[kind] = (function, most)
        return function

    return register


def outbox_record(*, kind: str, payload: dict, course_run: CourseRun | None = None) -> OutboxEntry:
    """Record owed work in the caller's transaction (it is committed with the change, or not at all), and kick
    the drain once that transaction has committed."""
    entry = OutboxEntry.objects.create(kind=kind, course=course_run, payload=payload)
    transaction.on_commit(outbox_kick, robust=True)
    return entry


def outbox_kick() -> None:
    """Queue a drain (eager Celery: run it now). Robust where it is called: if the broker is down, the entry
    waits for the periodic drain."""
    from coursecerts.events.tasks import drain_outbox

    drain_outbox.delay()


@dataclass
class EntryOutcome:
    """What a drain did with one entry: its result, or the error it failed with."""

    entry: OutboxEntry
    ok: bool
    result: dict = field(default_factory=dict)
    error: str = ""


def outbox_drain(*, include_waiting: bool = False, limit: int | None = None) -> list[EntryOutcome]:
    """Run the due entries, longest due first, until none is left (or `limit` have run); entries another drainer
    holds are left to it. include_waiting also runs failed entries whose retry time has not come (an operator
    asking for it now). Each entry runs at most once per call."""
    outcomes: list[EntryOutcome] = []
    tried: set[int] = set()
    while limit is None or len(outcomes) < limit:
        entry = _claim_next(include_waiting=include_waiting, exclude=tried)
        if entry is None:
            break
        tried.add(entry.pk)
        companions = _claim_companions(entry, include_waiting=include_waiting, exclude=tried)
        if not companions:
            outcomes.append(outbox_entry_run(entry))
            continue
        tried.update(companion.pk for companion in companions)
        outcomes += _batch_run([entry, *companions])
    return outcomes


def _claim_companions(entry: OutboxEntry, *, include_waiting: bool, exclude: set[int]) -> list[OutboxEntry]:
    """With `entry` claimed: claim up to its kind's batch size, less one, due entries of its kind and run (none
    when the kind has no batch handler). Their rows are locked to claim them (SKIP LOCKED where the database
    has it: what another drainer holds is left to it; SQLite's write transaction holds the whole database)."""
    if entry.kind not in _BATCH_HANDLERS:
        return []
    _, most = _BATCH_HANDLERS[entry.kind]
    with transaction.atomic():
        due = (
            _due(include_waiting=include_waiting)
            .filter(kind=entry.kind, course_id=entry.course_id)
            .exclude(pk__in=exclude)
            .order_by("available_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        elif connection.features.has_select_for_update:
            due = due.select_for_update()
        ids = list(due.values_list("pk", flat=True)[: most - 1])
        if not ids:
            return []
        OutboxEntry.objects.filter(pk__in=ids).update(claimed_at=timezone.now(), attempts=F("attempts") + 1)
    companions = list(
        OutboxEntry.objects.filter(pk__in=ids)
        .only("pk", "kind", "course_id", "payload", "attempts")
        .order_by("available_at", "pk")
    )
    for companion in companions:  # the entry's run, loaded once (a batch holds up to thousands)
        OutboxEntry.course.field.set_cached_value(companion, entry.course)
    return companions


def _batch_run(entries: list[OutboxEntry]) -> list[EntryOutcome]:
    """Run claimed entries of one kind and run with the kind's batch handler and mark them all done; if it
    fails, run them one by one with the kind's handler (each then done, or kept with its own error)."""
    handler, _ = _BATCH_HANDLERS[entries[0].kind]
    ids = [entry.pk for entry in entries]
    try:
        result = {**handler(entries, heartbeat=lambda: _renew_many(ids)), "entries": len(entries)}
    except Exception:
        log.exception(
            "a batch of %s outbox entries (%s) failed: running them one by one", len(ids), entries[0].kind
        )
        return [outbox_entry_run(entry) for entry in entries]
    OutboxEntry.objects.filter(pk__in=ids).update(done_at=timezone.now(), claimed_at=None, result=result)
    log.info(
        "outbox entries %s..%s (%s, %s of them) done: %s", ids[0], ids[-1], entries[0].kind, len(ids), result
    )
    return [EntryOutcome(entry, ok=True, result=result) for entry in entries]


def _renew_many(ids: list[int]) -> None:
    OutboxEntry.objects.filter(pk__in=ids, done_at__isnull=True).update(claimed_at=timezone.now())


def outbox_pending(*, include_waiting: bool = True) -> QuerySet[OutboxEntry]:
    """Entries not done (by default also those waiting for a retry), oldest first: what a dry run lists."""
    return _due(include_waiting=include_waiting).select_related("course")


def _due(*, include_waiting: bool) -> QuerySet[OutboxEntry]:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    due = OutboxEntry.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale), done_at__isnull=True
    )
    return due if include_waiting else due.filter(available_at__lte=now)


def _claim_next(*, include_waiting: bool, exclude: set[int]) -> OutboxEntry | None:
    """Claim the next due entry: a conditional update that only one drainer can win. Losing a race moves on to
    the next candidate; once none is due, None."""
    while candidates := _candidates(include_waiting=include_waiting, exclude=exclude):
        for pk in candidates:
            claimed = _due(include_waiting=include_waiting).filter(pk=pk)
            if claimed.update(claimed_at=timezone.now(), attempts=F("attempts") + 1):
                return OutboxEntry.objects.select_related("course").get(pk=pk)
    return None


def _candidates(*, include_waiting: bool, exclude: set[int]) -> list[int]:
    due = _due(include_waiting=include_waiting).exclude(pk__in=exclude).order_by("available_at", "pk")
    return list(due.values_list("pk", flat=True)[:10])


def outbox_entry_run(entry: OutboxEntry) -> EntryOutcome:
    """Run a claimed entry with its kind's handler; mark it done, or keep it with its error for a retry."""
    handler = _HANDLERS.get(entry.kind)
    try:
        if handler is None:
            raise LookupError(f"No handler is registered for {entry.kind!r}.")
        result = handler(entry, heartbeat=lambda: _renew(entry))
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.exception("outbox entry %s (%s) failed, attempt %s", entry.pk, entry.kind, entry.attempts)
        delay = min(_RETRY_FIRST_SECONDS * 2 ** (entry.attempts - 1), _RETRY_MAX_SECONDS)
        OutboxEntry.objects.filter(pk=entry.pk).update(
            claimed_at=None, last_error=error, available_at=timezone.now() + timedelta(seconds=delay)
        )
        return EntryOutcome(entry, ok=False, error=error)
    OutboxEntry.objects.filter(pk=entry.pk).update(done_at=timezone.now(), claimed_at=None, result=result)
    log.info("outbox entry %s (%s) done: %s", entry.pk, entry.kind, result)
    return EntryOutcome(entry, ok=True, result=result)


def _renew(entry: OutboxEntry) -> None:
    OutboxEntry.objects.filter(pk=entry.pk, done_at__isnull=True).update(claimed_at=timezone.now())


def outbox_purge(*, older_than_days: int | None = None) -> int:
    """Delete entries done more than OUTBOX_KEEP_DAYS ago (never one that is not done). Returns how many."""
    days = settings.OUTBOX_KEEP_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutboxEntry.objects.filter(done_at__lt=cutoff).delete()
    return deleted
