"""Read a topic of the Redis event bus again from a position or a time, into the inbox, and apply what is new
(after an outage, or after fixing what made events fail). Events recorded before are dropped by their id, so a
replay over events already consumed changes nothing. No consumer group is read or moved.

Examples:

    coursecerts replay_events -t learning-certificate-inputs --since 2026-11-30T08:00Z
    coursecerts replay_events -t learning-certificate-inputs --from 1796148959275-0 --until 2026-11-30T18:00Z

The stream keeps what EVENT_BUS_REDIS_STREAM_MAX_LEN (the LMS's setting) lets it keep: older events are gone
from the bus, and `coursecerts reconcile_certificates` compares coursecerts' results with the LMS's data.
"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from coursecerts.openedx.consumer import stream_replay

_MESSAGE_ID = re.compile(r"^\d+(-\d+)?$")


def _position(value: str, *, end: bool) -> str:
    """A Redis stream id from an id ("1796148959275-0") or an ISO 8601 time (ids start with milliseconds)."""
    if _MESSAGE_ID.match(value):
        return value
    moment = parse_datetime(value.replace("Z", "+00:00"))
    if moment is None or moment.tzinfo is None:
        raise CommandError(
            f"{value!r} is neither a stream message id (e.g. 1796148959275-0) nor a time with a zone"
        )
    return f"{int(moment.timestamp() * 1000)}-{'18446744073709551615' if end else '0'}"


class Command(BaseCommand):
    help = "Read a topic of the Redis event bus again from a message id or a time (--from/--since), into the inbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-t", "--topic", required=True, help="The topic, without EVENT_BUS_TOPIC_PREFIX.")
        start = parser.add_mutually_exclusive_group(required=True)
        start.add_argument("--from", dest="start", help="A stream message id: read from it (included).")
        start.add_argument(
            "--since", dest="start", help="An ISO 8601 time with a zone: read events sent since."
        )
        parser.add_argument(
            "--until", default="+", help="A message id or a time: stop there (default: the end)."
        )
        parser.add_argument("--batch-size", type=int, default=None, help="Default: EVENTS_INBOX_BATCH_SIZE.")

    def handle(self, *args, topic: str, start: str, until: str, batch_size: int | None, **options) -> None:
        end = until if until == "+" else _position(until, end=True)
        try:
            stats = stream_replay(topic, start=_position(start, end=False), end=end, batch_size=batch_size)
        except ValueError as exc:  # no EVENT_BUS_REDIS_CONNECTION_URL
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"read {stats['read']}, new {stats['recorded']}; applied {stats['done']}, skipped {stats['skipped']}, "
            f"failed {stats['failed']}"
        )
