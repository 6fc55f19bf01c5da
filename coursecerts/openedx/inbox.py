"""The inbox of events received from the LMS's event bus (ADR 0021): each event is recorded, keyed by its
metadata id, before it is applied (a repeat is dropped); recorded events are applied in batches by
event_apply; a failure keeps its error and is retried after a growing delay; an operator lists, retries and
discards failed events (`coursecerts inbox_events`, the admin)."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from coursecerts.common.iterables import chunked
from coursecerts.openedx.event_apply import (
    Item,
    Outcome,
    course_events_apply,
    idv_events_apply,
    outcomes_write,
)
from coursecerts.openedx.event_mapping import KINDS, EventRefused, Fact, fact_from
from coursecerts.openedx.models import InboxEvent, InboxStatus

log = logging.getLogger(__name__)

CCX_NOTE = "a CCX course: custom courses issue no certificates (Open edX's certificates app leaves them out)"


@dataclass(frozen=True)
class Received:
    """An event as the consumer read it: its metadata, its data as an Avro record (None when the message
    could not be read, `error` then says why), and where it was on the bus."""

    event_id: uuid.UUID
    event_type: str
    time: datetime
    data: dict | None
    source: str = ""
    topic: str = ""
    position: str = ""
    error: str = ""


def inbox_record(events: Iterable[Received]) -> int:
    """Record, in one transaction, the events whose id is not recorded yet; returns how many were new. An
    event that cannot be applied as it is (unreadable, unknown type, a missing or bad field) is recorded as
    failed with the reason, and is retried only by an operator."""
    now, rows, seen = timezone.now(), [], set()
    for event in events:
        if event.event_id in seen:
            continue
        seen.add(event.event_id)
        rows.append(_row(event, now))
    if not rows:
        return 0
    with transaction.atomic():
        known = set()
        for chunk in chunked([row[0] for row in rows], 1000):
            known.update(InboxEvent.objects.filter(event_id__in=chunk).values_list("event_id", flat=True))
        new = [row for row in rows if row[0] not in known]
        _insert(new)
    return len(new)


# Facts read when the events were recorded, for this process's apply right after (read again otherwise).
_facts: dict[uuid.UUID, Fact] = {}


def _fact(row) -> Fact:
    fact = _facts.pop(row.event_id, None)
    return fact if fact is not None else fact_from(row.event_type, row.data)


_COLUMNS = [
    "event_id", "event_type", "kind", "time", "source", "topic", "position", "course_key", "user_key", "data",
    "status", "attempts", "last_error", "note", "received_at", "available_at",
]  # fmt: skip


_RECEIVED_AT = _COLUMNS.index("received_at")  # this and the columns after it: one value for the batch


def _row(event: Received, now) -> tuple:
    error, user_key, course_key = event.error, None, ""
    if not error:
        try:
            fact = fact_from(event.event_type, event.data)
            user_key, course_key = fact.lms_user_id, fact.course_key
            if len(_facts) > 100_000:  # recorded here, applied by another consumer: forget them
                _facts.clear()
            _facts[event.event_id] = fact
        except EventRefused as exc:
            error = str(exc)
    return (
        event.event_id, event.event_type[:255], KINDS.get(event.event_type, ""), event.time, event.source[:255],
        event.topic[:255], event.position[:64], course_key, user_key, event.data,
        InboxStatus.FAILED if error else InboxStatus.PENDING, 0, error, "", now, None if error else now,
    )  # fmt: skip


def _insert(rows: list[tuple]) -> None:
    """INSERT the rows in one executemany, a repeat of a recorded id ignored (two consumers at once). The ORM's
    bulk_create prepares every field of every row through the compiler, which cost more than the rest of
    recording an event; here only the typed columns are adapted."""
    if not rows:
        return
    from django.db import connection
    from django.db.models.constants import OnConflict

    fields = [InboxEvent._meta.get_field(name) for name in _COLUMNS]
    typed = [
        i
        for i, f in enumerate(fields)
        if f.get_internal_type() in ("UUIDField", "DateTimeField", "JSONField")
    ]
    values, adapted = [], {}  # received_at and available_at are one `now` for the batch: adapted once
    for row in rows:
        row = list(row)
        for i in typed:
            if i >= _RECEIVED_AT:
                if row[i] not in adapted:
                    adapted[row[i]] = fields[i].get_db_prep_save(row[i], connection)
                row[i] = adapted[row[i]]
            else:
                row[i] = fields[i].get_db_prep_save(row[i], connection)
        values.append(row)
    ops, table = connection.ops, connection.ops.quote_name(InboxEvent._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    unique = [InboxEvent._meta.get_field("event_id")]
    suffix = ops.on_conflict_suffix_sql(unique, OnConflict.IGNORE, None, None)
    sql = (
        f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {table} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) {suffix}"
    )
    with connection.cursor() as cursor:
        for chunk in chunked(values, 1000):
            cursor.executemany(sql, chunk)


@dataclass
class Applied:
    done: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, outcomes: dict[int, Outcome]) -> None:
        for outcome in outcomes.values():
            if outcome.status == InboxStatus.DONE:
                self.done += 1
            elif outcome.status == InboxStatus.SKIPPED:
                self.skipped += 1
            else:
                self.failed += 1
                if len(self.errors) < 5:
                    self.errors.append(outcome.note)

    @property
    def total(self) -> int:
        return self.done + self.skipped + self.failed


class Row(NamedTuple):
    """What applying reads of an inbox row (not the model: a batch of them is read back at once)."""

    pk: int
    event_id: uuid.UUID
    event_type: str
    time: datetime
    last_error: str
    data: dict | None


def inbox_due(*, limit: int) -> list[Row]:
    """Pending events and failed ones due for a retry, oldest first. Their data is read only for the events this
    process did not just record (it holds their facts)."""
    due = Q(status=InboxStatus.PENDING) | Q(status=InboxStatus.FAILED, available_at__lte=timezone.now())
    found = list(
        InboxEvent.objects.filter(due)
        .order_by("id")
        .values_list("pk", "event_id", "event_type", "time", "last_error")[:limit]
    )
    unread = [pk for pk, event_id, *_ in found if event_id not in _facts]
    data = {}
    for chunk in chunked(unread, 1000):
        data.update(InboxEvent.objects.filter(pk__in=chunk).values_list("pk", "data"))
    return [Row(*values, data.get(values[0], _FROM_FACT)) for values in found]


_FROM_FACT: dict = {}  # a row whose fact this process holds: its data is not needed


def inbox_apply_due(*, batch_size: int, max_batches: int | None = None) -> Applied:
    """Apply due events, batch_size at a time, until none is due (or max_batches)."""
    applied, batches = Applied(), 0
    while max_batches is None or batches < max_batches:
        rows = inbox_due(limit=batch_size)
        if not rows:
            break
        before = applied.total
        applied_batch = inbox_apply(rows)
        applied.done += applied_batch.done
        applied.skipped += applied_batch.skipped
        applied.failed += applied_batch.failed
        applied.errors.extend(applied_batch.errors[: 5 - len(applied.errors)])
        batches += 1
        if applied.total == before:  # all of them taken by another consumer
            break
    return applied


def inbox_apply(rows: list[Row]) -> Applied:
    """Apply recorded events: each course's in one transaction (the set-based path), then ID verifications;
    a group that fails is applied one event at a time, so that only the events that fail keep an error."""
    applied = Applied()
    early: dict[int, Outcome] = {}
    courses: dict[str, list[Item]] = defaultdict(list)
    idv: list[Item] = []
    for row in rows:
        if row.data is None:
            early[row.pk] = Outcome(
                InboxStatus.FAILED, row.last_error or "the message could not be read", False
            )
            continue
        try:
            fact = _fact(row)
        except EventRefused as exc:
            early[row.pk] = Outcome(InboxStatus.FAILED, str(exc), False)
            continue
        if fact.kind == "ccx":
            early[row.pk] = Outcome(InboxStatus.SKIPPED, CCX_NOTE)
        elif fact.kind == "idv":
            idv.append(Item(row, fact))
        else:
            courses[fact.course_key].append(Item(row, fact))
    if early:
        with transaction.atomic():
            outcomes_write(early)
        applied.add(early)
    for course_key, items in courses.items():
        applied.add(_apply_group(course_events_apply, items, course_key))
    if idv:
        applied.add(_apply_group(lambda _key, items: idv_events_apply(items), idv, ""))
    return applied


def _apply_group(apply, items: list[Item], key: str) -> dict[int, Outcome]:
    try:
        return apply(key, items)
    except Exception as exc:
        if len(items) > 1:
            log.warning(
                "inbox: %d events of %s failed together (%r); applying them one by one", len(items), key, exc
            )
            outcomes: dict[int, Outcome] = {}
            for item in items:
                outcomes.update(_apply_group(apply, [item], key))
            return outcomes
        (item,) = items
        log.warning("inbox: event %s (%s) failed: %r", item.row.event_id, item.row.event_type, exc)
        outcomes = {item.row.pk: Outcome(InboxStatus.FAILED, f"{type(exc).__name__}: {exc}")}
        with transaction.atomic():
            outcomes_write(outcomes)
        return outcomes


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour (as the outbox's, ADR 0013)."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


# --- operators -----------------------------------------------------------------------------------------------


def inbox_retry(*, queryset) -> int:
    """Make failed or discarded events due now. Returns how many."""
    return queryset.filter(status__in=[InboxStatus.FAILED, InboxStatus.DISCARDED]).update(
        status=InboxStatus.PENDING, available_at=timezone.now()
    )


def inbox_discard(*, queryset) -> int:
    """Give up on failed or pending events: they are kept, marked discarded, and never applied. Returns how many."""
    return queryset.filter(status__in=[InboxStatus.FAILED, InboxStatus.PENDING]).update(
        status=InboxStatus.DISCARDED, available_at=None
    )


def inbox_prune(*, days: int) -> int:
    """Delete events received more than `days` ago that are done, skipped or discarded, except the newest
    applied event of each (kind, learner, course), which later events are ordered against. Returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    newer = InboxEvent.objects.filter(
        status=InboxStatus.DONE, course_key=OuterRef("course_key"), kind=OuterRef("kind"),
        user_key=OuterRef("user_key"), time__gt=OuterRef("time"),
    )  # fmt: skip
    old = InboxEvent.objects.filter(
        received_at__lt=cutoff, status__in=[InboxStatus.DONE, InboxStatus.SKIPPED, InboxStatus.DISCARDED]
    ).filter(~Q(status=InboxStatus.DONE) | Exists(newer))
    deleted = 0
    for chunk in chunked(list(old.values_list("pk", flat=True)), 1000):
        deleted += InboxEvent.objects.filter(pk__in=chunk).delete()[0]
    return deleted


def inbox_forget_learners(*, user_ids: set[int]) -> int:
    """Drop the data (personal data included) of these coursecerts learners' received events; those not
    applied yet are discarded. The rows stay, so that later events are still ordered. Returns how many."""
    from coursecerts.openedx.models import ImportedLearner

    lms_ids = list(ImportedLearner.objects.filter(user_id__in=user_ids).values_list("source_id", flat=True))
    if not lms_ids:
        return 0
    rows = InboxEvent.objects.filter(user_key__in=lms_ids)
    rows.filter(status__in=[InboxStatus.PENDING, InboxStatus.FAILED]).update(
        status=InboxStatus.DISCARDED, available_at=None, note="the learner was retired"
    )
    return rows.update(data=None)
