"""Writing outgoing events: in the caller's transaction, in bulk (ADR 0015)."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from coursecerts.events.models import OutgoingEvent

_COLUMNS = [
    "event_id", "event_type", "time", "minorversion", "course_key", "user_id", "data", "verify_uuid", "created",
]  # fmt: skip


class EventRow(NamedTuple):
    """An outgoing event to insert, without the cost of a model instance (course-wide runs write tens of
    thousands); the same fields as OutgoingEvent, which outgoing_events_insert takes too."""

    event_id: uuid.UUID
    event_type: str
    time: datetime
    course_key: str
    user_id: int | None
    data: dict
    verify_uuid: str
    created: datetime
    minorversion: int = 0


def outgoing_events_insert(events: list[OutgoingEvent] | list[EventRow]) -> int:
    """Insert these unsaved events (or EventRows) in the caller's transaction, in list order (their ids follow
    it): COPY on PostgreSQL, one executemany elsewhere, as course-wide generation writes its history rows (the
    ORM's bulk_create prepares every field of every row, which a 10,000-learner chunk feels). Returns how
    many."""
    if not events:
        return 0
    table = connection.ops.quote_name(OutgoingEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write("".join([_copy_line(event) for event in events]))
        else:
            placeholders = ", ".join(["%s"] * len(_COLUMNS))
            prep = functools.lru_cache(maxsize=8)(_prep_time)  # a chunk's events share one or two times
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                [_values(event, uuid=_hex, prep=prep) for event in events],
            )
    return len(events)


def _copy_line(event: OutgoingEvent | EventRow) -> str:
    """The event as a line of COPY's text format, written here rather than by psycopg's write_row, whose
    per-value dumpers (pure Python without psycopg's C extension) cost as much as the rest of the row: every
    value is already a string, an integer, a UUID or an aware datetime (ISO 8601, which timestamptz reads)."""
    user_id = r"\N" if event.user_id is None else str(event.user_id)
    return (
        f"{event.event_id}\t{_copy_text(event.event_type)}\t{event.time.isoformat()}\t{event.minorversion:d}\t"
        f"{_copy_text(event.course_key)}\t{user_id}\t{_copy_text(_json(event.data))}\t"
        f"{_copy_text(event.verify_uuid)}\t{event.created.isoformat()}\n"
    )


_COPY_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
)


def _copy_text(value: str) -> str:
    """A text value escaped as COPY's text format wants (a backslash, and the control characters it reads)."""
    return value.translate(_COPY_ESCAPES) if "\\" in value or not value.isprintable() else value


def _hex(value) -> str:
    return value.hex


def _values(event: OutgoingEvent | EventRow, *, uuid, prep) -> tuple:
    return (
        uuid(event.event_id), event.event_type, prep(event.time), event.minorversion, event.course_key,
        event.user_id, _json(event.data), event.verify_uuid, prep(event.created),
    )  # fmt: skip


_ENCODER = DjangoJSONEncoder(separators=(",", ":"))  # one encoder: json.dumps(cls=...) makes one per value
_json = _ENCODER.encode


def _prep_time(value):
    return OutgoingEvent._meta.get_field("time").get_db_prep_value(value, connection)


def outgoing_events_forget_learners(*, user_ids: set[int]) -> int:
    """Blank the name and email that retired learners' outgoing events carry (the openedx-events CertificateData's
    `name` and `user.pii`, which the webhook data's `name` is built from), sent or still owed. The events stay, so
    that no sink misses one; what is sent afterwards carries no personal data beyond the user id and username,
    which retirement keeps too. Returns how many events changed."""
    changed = []
    for event in OutgoingEvent.objects.filter(user_id__in=user_ids).only("id", "data"):
        certificate = event.data.get("certificate", {})
        pii = certificate.get("user", {}).get("pii", {})
        before = (certificate.get("name"), pii.get("name"), pii.get("email"))
        if not any(before):
            continue
        if "name" in certificate:
            certificate["name"] = ""
        for key in ("name", "email"):
            if key in pii:
                pii[key] = ""
        changed.append(event)
    OutgoingEvent.objects.bulk_update(changed, ["data"], batch_size=500)
    return len(changed)
