"""The relay: outgoing events handed to every sink, in order, at least once and never twice by two relays
(ADR 0015).

For each registered sink, one batch at a time, inside one transaction:
1. lock the sink's cursor row (SELECT ... FOR UPDATE SKIP LOCKED: a cursor another relay holds is skipped);
2. read the events after its position (and any that have appeared in its gaps);
3. sink.enqueue(events): delivered, or stored for delivery in this transaction; it raises on failure, and then
   the transaction rolls back and the cursor stays where it was (the batch is handed again next time);
4. move the cursor past them.

Ids are given at insert but become visible at commit, so a long transaction can commit an id below the cursor.
The relay remembers the ids it passed over (gaps, as ranges with the time first seen) and hands those rows over
when they appear; a gap not filled within EVENT_RELAY_GAP_SECONDS was a rolled-back transaction and is dropped.
A sink that is not enabled owes nothing: its cursor follows the newest event.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from coursecerts.events import sinks
from coursecerts.events.models import OutgoingEvent, SinkCursor

log = logging.getLogger(__name__)


@dataclass
class SinkOutcome:
    """What one relay pass did for one sink."""

    sink: str
    handed: int = 0  # events handed over
    done: int = 0  # deliveries the sink's run_due made
    busy: bool = False  # another relay held the cursor
    disabled: bool = False
    error: str = ""


def relay_once(*, names: list[str] | None = None) -> list[SinkOutcome]:
    """Hand every sink what is due now, batch after batch, then let it run its due deliveries. A failing sink
    keeps its error (on its cursor and in the outcome) and does not stop the others."""
    outcomes = []
    for sink in sinks.registered():
        if names is None or sink.name in names:
            outcomes.append(_relay_sink(sink))
    return outcomes


def _relay_sink(sink) -> SinkOutcome:
    outcome = SinkOutcome(sink.name)
    try:
        if not sink.enabled():
            outcome.disabled = True
            cursor_skip_to_newest(sink.name)
            return outcome
        while (handed := hand_over(sink)) is not None:
            outcome.handed += handed
            if handed < settings.EVENT_RELAY_BATCH_SIZE:
                break
        else:
            outcome.busy = True
        outcome.done = sink.run_due()
    except Exception as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("relay: sink %s failed: %s", sink.name, outcome.error)
        SinkCursor.objects.filter(name=sink.name).update(
            last_error=outcome.error, last_error_at=timezone.now()
        )
    return outcome


def newest_event_id() -> int:
    return OutgoingEvent.objects.aggregate(newest=Max("id"))["newest"] or 0


def _cursor(name: str) -> SinkCursor:
    """The sink's cursor; a new one starts at the newest event (events before it were not owed to it)."""
    cursor, _ = SinkCursor.objects.get_or_create(name=name, defaults={"position": newest_event_id()})
    return cursor


def cursor_skip_to_newest(name: str) -> None:
    """A disabled sink owes nothing: its cursor follows the newest event."""
    _cursor(name)
    SinkCursor.objects.filter(name=name).update(position=newest_event_id(), gaps={})


def hand_over(sink) -> int | None:
    """Hand the sink its next batch; returns how many events, or None when another relay holds its cursor."""
    _cursor(sink.name)
    with transaction.atomic():
        cursor = SinkCursor.objects.select_for_update(skip_locked=True).filter(name=sink.name).first()
        if cursor is None:
            return None
        now, batch = timezone.now(), settings.EVENT_RELAY_BATCH_SIZE
        gaps = _live_gaps(cursor.gaps.get("ranges", []), now)
        late = _appeared_in(gaps, limit=batch)
        rows = OutgoingEvent.objects.defer(*getattr(sink, "deferred_fields", ()))
        fresh = list(rows.filter(id__gt=cursor.position).order_by("id")[: batch - len(late)])
        events = late + fresh
        if events:
            sink.enqueue(events)
        gaps = _without(gaps, {event.id for event in late})
        gaps += _passed_over(cursor.position, [event.id for event in fresh], now)
        if fresh:
            cursor.position = fresh[-1].id
        if events:
            cursor.last_handed_at = now
        cursor.gaps = {"ranges": gaps} if gaps else {}
        cursor.save()
        return len(events)


# A gap: [first id, last id, ISO time first seen]: ids the cursor passed that were not visible then.


def _live_gaps(ranges: list, now: datetime) -> list:
    horizon = now - timedelta(seconds=settings.EVENT_RELAY_GAP_SECONDS)
    live = [gap for gap in ranges if datetime.fromisoformat(gap[2]) >= horizon]
    if len(live) < len(ranges):
        log.info("relay: %d gaps dropped (rolled back, or open longer than EVENT_RELAY_GAP_SECONDS)",
                 len(ranges) - len(live))  # fmt: skip
    return live


def _appeared_in(gaps: list, *, limit: int) -> list[OutgoingEvent]:
    """Events that have appeared in the gaps since they were passed over (their transaction committed late)."""
    ids = _appeared_ids(gaps)[:limit]
    return list(OutgoingEvent.objects.filter(id__in=ids).order_by("id")) if ids else []


def _without(gaps: list, found: set[int]) -> list:
    """The gaps less the ids found in them (a range split around each)."""
    if not found:
        return gaps
    left = []
    for low, high, since in gaps:
        start = low
        for pk in sorted(pk for pk in found if low <= pk <= high):
            if pk > start:
                left.append([start, pk - 1, since])
            start = pk + 1
        if start <= high:
            left.append([start, high, since])
    return left


def _passed_over(position: int, ids: list[int], now: datetime) -> list:
    """The ranges of ids between position and the last of `ids` that are not among them."""
    gaps, expected = [], position + 1
    for pk in ids:
        if pk > expected:
            gaps.append([expected, pk - 1, now.isoformat()])
        expected = pk + 1
    return gaps


# --- running it ------------------------------------------------------------------------------------------------


def relay_forever(stop: threading.Event, *, poll_seconds: float | None = None) -> None:
    """Relay until `stop` is set: at once while there is work, every poll_seconds when idle (longer after a
    failure, at most a minute), and prune old events every hour. Finishes the batch in hand before returning."""
    poll = poll_seconds or settings.EVENT_RELAY_POLL_SECONDS
    failures, next_prune = 0, timezone.now()
    while not stop.is_set():
        outcomes = relay_once()
        failures = failures + 1 if any(outcome.error for outcome in outcomes) else 0
        if timezone.now() >= next_prune:
            outgoing_events_prune()
            next_prune = timezone.now() + timedelta(hours=1)
        busy = any(outcome.handed >= settings.EVENT_RELAY_BATCH_SIZE for outcome in outcomes)
        if not busy or failures:
            stop.wait(min(poll * 2**failures, 60) if failures else poll)


def outgoing_events_prune(*, older_than_days: int | None = None) -> int:
    """Delete events older than EVENT_OUTBOX_RETENTION_DAYS that every sink's cursor has passed (never one a
    sink is still owed, nor one in a sink's gaps). Returns how many."""
    days = settings.EVENT_OUTBOX_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    cursors = list(SinkCursor.objects.all())
    handed_up_to = min((cursor.position for cursor in cursors), default=newest_event_id())
    old = OutgoingEvent.objects.filter(id__lte=handed_up_to, created__lt=cutoff)
    gaps = [gap for cursor in cursors for gap in cursor.gaps.get("ranges", [])]
    if len(gaps) > 100:  # many small gaps (interleaved writers): keep everything from the first one on
        old = old.filter(id__lt=min(low for low, _, _ in gaps))
    for low, high, _ in gaps[:100]:
        old = old.exclude(id__range=(low, high))
    deleted, _ = old.delete()
    if deleted:
        log.info("relay: %d sent events older than %d days pruned", deleted, days)
    return deleted


# --- what operators see ----------------------------------------------------------------------------------------


@dataclass
class SinkState:
    name: str
    enabled: bool | None  # None: no sink of this name is registered in this process
    position: int
    pending: int
    sent: int  # events still kept that the sink has been handed
    oldest_pending: datetime | None
    last_handed_at: datetime | None
    last_error: str
    last_error_at: datetime | None


def sink_states() -> list[SinkState]:
    registered = {sink.name: sink for sink in sinks.registered()}
    names = sorted(set(registered) | set(SinkCursor.objects.values_list("name", flat=True)))
    return [_state(name, registered.get(name)) for name in names]


def _state(name: str, sink) -> SinkState:
    cursor = SinkCursor.objects.filter(name=name).first() or SinkCursor(name=name, position=newest_event_id())
    ranges = cursor.gaps.get("ranges", [])
    waiting = OutgoingEvent.objects.filter(id__gt=cursor.position)
    late = _appeared_ids(ranges)
    oldest = waiting.aggregate(oldest=Min("created"))["oldest"]
    if late:
        late_oldest = OutgoingEvent.objects.filter(id__in=late).aggregate(oldest=Min("created"))["oldest"]
        oldest = min(filter(None, [oldest, late_oldest]))
    return SinkState(
        name=name,
        enabled=sink.enabled() if sink is not None else None,
        position=cursor.position,
        pending=waiting.count() + len(late),
        sent=OutgoingEvent.objects.filter(id__lte=cursor.position).count() - len(late),
        oldest_pending=oldest,
        last_handed_at=cursor.last_handed_at,
        last_error=cursor.last_error,
        last_error_at=cursor.last_error_at,
    )


def _appeared_ids(ranges: list) -> list[int]:
    if not ranges:
        return []
    low, high = min(gap[0] for gap in ranges), max(gap[1] for gap in ranges)
    span = OutgoingEvent.objects.filter(id__gte=low, id__lte=high).values_list("id", flat=True)
    return [pk for pk in span if any(gap[0] <= pk <= gap[1] for gap in ranges)]
