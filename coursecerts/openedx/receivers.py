"""The receivers of the Open edX events coursecerts consumes (ADR 0021, event_mapping lists them): each event
that arrives from the event bus is handed to the inbox.

Under coursecerts' consumer (consumer.InboxRedisConsumer) the receiver adds the event to the consumer's batch,
which the consumer records and acknowledges together, then applies. Under another consumer (the stock
edx_event_bus_redis.RedisEventConsumer), it records the event at once and applies what is due: one event at a
time, slower, with the same rules.
"""

from __future__ import annotations

import functools
import threading

from django.conf import settings

from coursecerts.openedx.event_mapping import SIGNAL_NAMES
from coursecerts.openedx.inbox import Received, inbox_apply_due, inbox_forget_learners, inbox_record


class Batch:
    """The events a consumer collects between two flushes. The consumer sets `record` (the message's Avro
    record, already decoded) and `topic`/`position` before it sends each message's signal."""

    def __init__(self):
        self.events: list[Received] = []
        self.record: dict | None = None
        self.topic = ""
        self.position = ""

    def __len__(self):
        return len(self.events)


_local = threading.local()


def batch_open(batch: Batch | None) -> None:
    """Make `batch` the one this thread's receivers add to (None: record each event at once)."""
    _local.batch = batch


def event_received(sender=None, signal=None, metadata=None, **kwargs):
    """A receiver for each consumed openedx-events signal. Only events that came from the event bus count:
    coursecerts sends none of these signals itself."""
    from openedx_events.tooling import SIGNAL_PROCESSED_FROM_EVENT_BUS

    if not kwargs.get(SIGNAL_PROCESSED_FROM_EVENT_BUS) or metadata is None:
        return
    batch = getattr(_local, "batch", None)
    record = batch.record if batch is not None and batch.record is not None else _record(signal, kwargs)
    event = Received(
        event_id=metadata.id, event_type=metadata.event_type, time=metadata.time, data=record,
        source=metadata.source or "", topic=batch.topic if batch is not None else "",
        position=batch.position if batch is not None else "",
    )  # fmt: skip
    if batch is not None:
        batch.events.append(event)
        return
    inbox_record([event])
    inbox_apply_due(batch_size=settings.EVENTS_INBOX_BATCH_SIZE, max_batches=1)


def _record(signal, kwargs) -> dict:
    """The event's data as an Avro record dict (openedx-events' own serializer)."""
    return _serializer(signal).to_dict({name: kwargs[name] for name in signal.init_data})


@functools.cache
def _serializer(signal):
    from openedx_events.event_bus.avro.serializer import AvroSignalSerializer

    return AvroSignalSerializer(signal)


def receivers_connect() -> None:
    from openedx_events.learning import signals

    from coursecerts.common.signals import CERTIFICATES_WRITTEN

    for name in SIGNAL_NAMES:
        getattr(signals, name).connect(event_received, dispatch_uid=f"coursecerts.openedx.inbox.{name}")
    CERTIFICATES_WRITTEN.connect(certificates_written, dispatch_uid="coursecerts.openedx.inbox.retired")


def certificates_written(sender, certificates, reason="changed", **kwargs):
    """A retirement (CERTIFICATES_WRITTEN "retired", in the retirement's transaction) drops the data of the
    learner's received events, which holds their username, email and name (ADR 0012)."""
    if reason == "retired":
        inbox_forget_learners(user_ids={certificate.user_id for certificate in certificates})
