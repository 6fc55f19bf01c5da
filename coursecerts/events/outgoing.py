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
    "event_id", "event_type", "time", "minorversion", "course_key", "user_id", "data", "webhook_data", "created",
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
    webhook_data: dict
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
                for event in events:
                    copy.write_row(_values(event, uuid=_same, prep=_same))
        else:
            placeholders = ", ".join(["%s"] * len(_COLUMNS))
            prep = functools.lru_cache(maxsize=8)(_prep_time)  # a chunk's events share one or two times
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                [_values(event, uuid=_hex, prep=prep) for event in events],
            )
    return len(events)


def _same(value):
    return value


def _hex(value) -> str:
    return value.hex


def _values(event: OutgoingEvent | EventRow, *, uuid, prep) -> tuple:
    return (
        uuid(event.event_id), event.event_type, prep(event.time), event.minorversion, event.course_key,
        event.user_id, _json(event.data), _json(event.webhook_data), prep(event.created),
    )  # fmt: skip


_ENCODER = DjangoJSONEncoder(separators=(",", ":"))  # one encoder: json.dumps(cls=...) makes one per value
_json = _ENCODER.encode


def _prep_time(value):
    return OutgoingEvent._meta.get_field("time").get_db_prep_value(value, connection)


def outgoing_events_forget_learners(*, user_ids: set[int]) -> int:
    """Blank the name and email that retired learners' outgoing events carry (the openedx-events CertificateData's
    `name` and `user.pii`, the webhook data's `name`), sent or still owed. The events stay, so that no sink misses
    one; what is sent afterwards carries no personal data beyond the user id and username, which retirement keeps
    too. Returns how many events changed."""
    changed = []
    for event in OutgoingEvent.objects.filter(user_id__in=user_ids).only("id", "data", "webhook_data"):
        certificate = event.data.get("certificate", {})
        pii = certificate.get("user", {}).get("pii", {})
        before = (certificate.get("name"), pii.get("name"), pii.get("email"), event.webhook_data.get("name"))
        if not any(before):
            continue
        if "name" in certificate:
            certificate["name"] = ""
        for key in ("name", "email"):
            if key in pii:
                pii[key] = ""
        if "name" in event.webhook_data:
            event.webhook_data["name"] = ""
        changed.append(event)
    OutgoingEvent.objects.bulk_update(changed, ["data", "webhook_data"], batch_size=500)
    return len(changed)
