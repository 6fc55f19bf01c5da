"""coursecerts' Redis event bus consumer (EVENT_BUS_CONSUMER, ADR 0021): edx-event-bus-redis's
RedisEventConsumer, reading in batches and acknowledging a message only once the inbox holds it.

The stock consumer reads one message at a time and acknowledges it even when a receiver raised, so an event
whose processing failed is gone from the bus. This one keeps the library's connection, consumer group, topic
prefix, options (consumer_name, check_backlog, last_read_msg_id, claim_msgs_older_than) and message format,
and sends each event as its openedx-events signal to the receivers (receivers.py), which add it to a batch:
1. read up to EVENTS_INBOX_BATCH_SIZE messages (this consumer's pending ones first, after a restart);
2. when the batch is full, EVENTS_INBOX_BATCH_SECONDS after its first event, when the bus is idle, and on
   shutdown (SIGTERM, SIGINT): record the batch in the inbox (one transaction), then acknowledge its messages;
3. apply what is due, in batches through the set-based path (inbox.inbox_apply_due).
A process that dies before 2 leaves its messages pending in its consumer group: they are read again at the
next start, and the inbox drops the ones recorded already. A message that cannot be read is recorded as a
failed event with the reason.
"""

from __future__ import annotations

import functools
import io
import logging
import signal as os_signal
import socket
import threading
import time
import uuid
from datetime import UTC, datetime

import fastavro
from django.conf import settings
from edx_event_bus_redis.internal.config import get_full_topic
from edx_event_bus_redis.internal.consumer import RedisEventConsumer
from edx_event_bus_redis.internal.message import RedisMessage
from openedx_events.tooling import OpenEdxPublicSignal, prepare_for_new_work_cycle

from coursecerts.openedx.inbox import Received, inbox_apply_due, inbox_record
from coursecerts.openedx.receivers import Batch, batch_open

log = logging.getLogger(__name__)


class InboxRedisConsumer(RedisEventConsumer):
    def __init__(
        self, topic, group_id, consumer_name=None, last_read_msg_id=None, check_backlog=False,
        claim_msgs_older_than=None, exit_when_idle=None, batch_size=None,
    ):  # fmt: skip
        """As RedisEventConsumer; `consumer_name` defaults to the host's name. `exit_when_idle` (seconds): stop
        once the stream has had nothing new for that long (a replay, a test, a benchmark)."""
        super().__init__(
            topic, group_id, consumer_name or socket.gethostname(), last_read_msg_id=last_read_msg_id,
            check_backlog=check_backlog, claim_msgs_older_than=claim_msgs_older_than,
        )  # fmt: skip
        self.batch_size = int(batch_size or settings.EVENTS_INBOX_BATCH_SIZE)
        self.batch_seconds = settings.EVENTS_INBOX_BATCH_MILLISECONDS / 1000
        self.poll_seconds = settings.EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT
        self.exit_when_idle = exit_when_idle
        self.batch = Batch()
        self.acks: list = []
        self._decoded: dict | None = None
        self._sending = False
        self.stats = {"read": 0, "recorded": 0, "done": 0, "skipped": 0, "failed": 0}

    # --- the loop ---------------------------------------------------------------------------------------------

    def consume_indefinitely(self):
        restore = self._stop_on_signals()
        batch_open(self.batch)
        try:
            self._loop()
        finally:
            try:
                self.flush()
            finally:
                batch_open(None)
                restore()
                self.db.close()
                log.info("consumer %s of %s stopped: %s", self.consumer_name, self.full_topic, self.stats)

    def _loop(self):
        pending_first, idle_since, first_at = True, time.monotonic(), None
        while not self._shut_down_loop:
            if pending_first:
                self._claim_stale()
                messages = self.consumer.read(count=self.batch_size, last_id="0")
                pending_first = bool(messages)
                if not messages:
                    continue
            else:
                messages = self.consumer.read(
                    count=self.batch_size, block=self._wait_ms(first_at, idle_since)
                )
            for message in messages:
                self._receive(message)
            now = time.monotonic()
            if messages:
                idle_since = now
                first_at = first_at or now
            due = first_at is not None and now - first_at >= self.batch_seconds
            if len(self.batch) >= self.batch_size or due or not messages:
                self.flush()
                first_at = None
            idle = not messages and not pending_first
            if idle and self.exit_when_idle is not None and now - idle_since >= self.exit_when_idle:
                break

    def _wait_ms(self, first_at: float | None, idle_since: float) -> int:
        """How long a read may block: until the batch is due, else a poll, else until exit_when_idle."""
        now = time.monotonic()
        if first_at is not None:
            wait = first_at + self.batch_seconds - now
        elif self.exit_when_idle is not None:
            wait = min(self.poll_seconds, idle_since + self.exit_when_idle - now)
        else:
            wait = self.poll_seconds
        return max(int(wait * 1000), 1)

    def _claim_stale(self):
        if self.claim_msgs_older_than is not None:
            self.consumer.autoclaim(
                self.consumer_name, min_idle_time=self.claim_msgs_older_than, count=self.batch_size
            )
            self.claim_msgs_older_than = None

    def _receive(self, raw):
        self.acks.append(raw[0])
        self.stats["read"] += 1
        msg, self._decoded, self._sending, before = None, None, False, len(self.batch.events)
        try:
            msg = RedisMessage.parse(raw, self.full_topic)
            self.emit_signals_from_message(msg)
        except Exception as exc:  # an unreadable message is recorded with the reason, never lost silently
            del self.batch.events[before:]  # what a receiver added before another raised
            what = "a receiver of the event failed" if self._sending else "the message cannot be read"
            self.batch.events.append(
                _unreadable(raw, msg, self._decoded, f"{what}: {exc!r}", topic=self.full_topic)
            )
            log.warning("consumer: message %s of %s cannot be read: %r", _text(raw[0]), self.full_topic, exc)

    def emit_signals_from_message(self, msg: RedisMessage):
        """As the library's, with the signal's Avro schema and deserializer built once (the library builds
        them per message), the decoded record handed to the receivers for the inbox, and the signal sent with
        send_robust=False."""
        signal = OpenEdxPublicSignal.get_signal_by_type(msg.event_metadata.event_type)
        schema, deserializer = _codec(signal)
        record = self._decoded = fastavro.schemaless_reader(io.BytesIO(msg.event_data), schema, None)
        data = deserializer.from_dict(record)
        self.batch.record, self.batch.topic, self.batch.position = record, self.full_topic, _text(msg.msg_id)
        self._sending = True
        try:
            # Not robust: a receiver that raises stops the message, which is recorded as failed with the error
            # (_receive). The robust send formats every receiver's response for a log line, even unlogged:
            # a tenth of the consumer's time.
            signal.send_event_with_custom_metadata(msg.event_metadata, send_robust=False, **data)
        finally:
            self.batch.record = None

    def flush(self):
        """Record the batch, acknowledge its messages, apply what is due."""
        if self.batch.events:
            prepare_for_new_work_cycle()
            self.stats["recorded"] += inbox_record(self.batch.events)
            self.batch.events.clear()
        if self.acks:
            self.consumer.ack(*self.acks)
            self.acks.clear()
        applied = inbox_apply_due(batch_size=self.batch_size)
        for name in ("done", "skipped", "failed"):
            self.stats[name] += getattr(applied, name)

    def _stop_on_signals(self):
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {sig: os_signal.getsignal(sig) for sig in (os_signal.SIGTERM, os_signal.SIGINT)}

        def stop(signum, frame):
            log.info("consumer: signal %s, stopping after this batch", signum)
            self._shut_down()

        for sig in previous:
            os_signal.signal(sig, stop)
        return lambda: [os_signal.signal(sig, handler) for sig, handler in previous.items()]


class _StreamReader(InboxRedisConsumer):
    """The consumer's reading, recording and applying, over a range of the stream read with XRANGE: no consumer
    group is created, read or moved."""

    def __init__(self, topic, batch_size=None):
        self.topic, self.full_topic = topic, get_full_topic(topic)
        self.db = self._create_db()
        self.batch_size = int(batch_size or settings.EVENTS_INBOX_BATCH_SIZE)
        self.batch, self.acks, self._decoded = Batch(), [], None
        self.stats = {"read": 0, "recorded": 0, "done": 0, "skipped": 0, "failed": 0}


def stream_replay(topic: str, *, start: str, end: str = "+", batch_size: int | None = None) -> dict:
    """Read the topic's stream from `start` to `end` (Redis message ids, both included; "-" and "+" are its
    ends), a batch at a time, through the same receivers into the inbox, and apply what is due. Events
    recorded before are dropped, so a replay over what was consumed already changes nothing. Returns counts."""
    reader = _StreamReader(topic, batch_size)
    batch_open(reader.batch)
    try:
        position = start
        while True:
            page = reader.db.xrange(reader.full_topic, min=position, max=end, count=reader.batch_size)
            for raw in page:
                reader._receive(raw)
            reader.acks.clear()  # nothing to acknowledge: no consumer group read these
            reader.flush()
            if len(page) < reader.batch_size:
                break
            position = "(" + _text(page[-1][0])  # after the last one read
    finally:
        batch_open(None)
        reader.db.close()
    return reader.stats


@functools.cache
def _codec(signal):
    from opaque_keys.edx.keys import CourseKey
    from openedx_events.event_bus.avro.deserializer import DEFAULT_DESERIALIZERS, AvroSignalDeserializer

    deserializer = AvroSignalDeserializer(signal)
    # A burst names a few runs: each course key parsed once (keys are immutable values).
    deserializer.deserializers.setdefault(
        CourseKey, functools.lru_cache(maxsize=1024)(DEFAULT_DESERIALIZERS[CourseKey])
    )
    return fastavro.parse_schema(deserializer.schema), deserializer


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _unreadable(raw, msg, record, error: str, *, topic: str) -> Received:
    """A failed inbox event for a message that could not be read: its metadata id when the message had one,
    else an id made from its stream position (so that reading it again records nothing new); its Avro record
    when that could be decoded (openedx-events' data classes then refused a value)."""
    fields = {_text(k): v for k, v in (raw[1] or {}).items()}
    position = _text(raw[0])
    if msg is not None:
        meta = msg.event_metadata
        event_id, event_type, when = meta.id, meta.event_type, meta.time
    else:
        event_id = _uuid(fields.get("id")) or uuid.uuid5(uuid.NAMESPACE_URL, f"redis:{topic}/{position}")
        event_type, when = _text(fields.get("type", b"")), datetime.now(UTC)
    return Received(
        event_id=event_id, event_type=event_type or "unknown", time=when, data=record, topic=topic, position=position,
        error=error[:2000],
    )  # fmt: skip


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(_text(value)) if value else None
    except ValueError:
        return None
