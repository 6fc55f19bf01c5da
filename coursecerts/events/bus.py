"""The Open edX event bus sink: certificate events published as Open edX services consume them (ADR 0015).

The stock producers' send() logs a broker error and returns (the event is lost), so this sink publishes
through the libraries' own message format and serialisation, with calls that raise:
- Redis (edx-event-bus-redis): the stream entry RedisProducer builds (RedisMessage(...).to_binary_dict(): type,
  id, source, time, minorversion, sourcehost, sourcelib, event_data), on the stream get_full_topic() names,
  capped by EVENT_BUS_REDIS_STREAM_MAX_LEN as it caps it (XADD MAXLEN ~); a batch's XADDs go in one pipeline,
  and any error raises. event_data is the Avro record openedx-events' serialize_event_data_to_bytes() writes:
  fastavro's schemaless writer with the signal's schema (AvroSignalSerializer(signal).schema) over the event's
  stored record dict (tests/events/test_event_bus.py checks the bytes are the same).
- Kafka (edx-event-bus-kafka, the `kafka` extra): the library's serializers, headers and key, produced with
  our own confluent_kafka Producer, flushed, and every delivery report checked.
"""

from __future__ import annotations

import functools
import io
import socket
from datetime import UTC

import fastavro
from django.conf import settings

from coursecerts.events.models import OutgoingEvent


class EventBusError(Exception):
    """The bus did not take the events: nothing of the batch counts as sent."""


class EventBusSink:
    name = "event_bus"

    def enabled(self) -> bool:
        return bool(settings.EVENT_BUS_PRODUCER)

    def enqueue(self, events: list[OutgoingEvent]) -> None:
        publisher = _publisher(settings.EVENT_BUS_PRODUCER)
        publisher(events)

    def run_due(self) -> int:
        return 0


def _publisher(producer_path: str):
    if "edx_event_bus_redis" in producer_path:
        return publish_to_redis
    if "edx_event_bus_kafka" in producer_path:
        return publish_to_kafka
    raise EventBusError(
        f"EVENT_BUS_PRODUCER={producer_path!r} is not supported: use edx_event_bus_redis.create_producer or "
        "edx_event_bus_kafka.create_producer"
    )


@functools.cache
def signal_for(event_type: str):
    import openedx_events.learning.signals  # noqa: F401  (registers the certificate signals)
    from openedx_events.tooling import OpenEdxPublicSignal

    return OpenEdxPublicSignal.get_signal_by_type(event_type)


@functools.cache
def _avro_schema(event_type: str):
    from openedx_events.event_bus.avro.serializer import AvroSignalSerializer

    return fastavro.parse_schema(AvroSignalSerializer(signal_for(event_type)).schema)


def event_data_bytes(event: OutgoingEvent) -> bytes:
    """The event's data as openedx-events' serialize_event_data_to_bytes writes it."""
    out = io.BytesIO()
    fastavro.schemaless_writer(out, _avro_schema(event.event_type), event.data)
    return out.getvalue()


def event_metadata(event: OutgoingEvent):
    """The openedx-events metadata of an outgoing event: its id, type and time are the row's; the source is
    openedx/<EVENTS_SERVICE_NAME>/web and the source host the relay's."""
    from openedx_events.data import EventsMetadata

    return EventsMetadata(
        event_type=event.event_type,
        id=event.event_id,
        minorversion=event.minorversion,
        source=f"openedx/{settings.EVENTS_SERVICE_NAME}/web",
        sourcehost=_hostname(),
        time=event.time.astimezone(UTC),
    )


@functools.cache
def _hostname() -> str:
    return socket.gethostname()


def topics_for(event_type: str) -> list[tuple[str, str]]:
    """(topic, event_key_field) of each enabled topic EVENT_BUS_PRODUCER_CONFIG gives this event type."""
    topics = settings.EVENT_BUS_PRODUCER_CONFIG.get(event_type, {})
    return [(topic, cfg.get("event_key_field", "")) for topic, cfg in topics.items() if cfg.get("enabled")]


# --- Redis ------------------------------------------------------------------------------------------------------


@functools.cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def publish_to_redis(events: list[OutgoingEvent]) -> None:
    """XADD every event to its streams in one pipeline; raises EventBusError unless Redis took them all."""
    from edx_event_bus_redis.internal.config import get_full_topic
    from edx_event_bus_redis.internal.message import RedisMessage

    url = settings.EVENT_BUS_REDIS_CONNECTION_URL
    if not url:
        raise EventBusError("EVENT_BUS_REDIS_CONNECTION_URL is not set")
    pipeline = _redis_client(url).pipeline(transaction=False)
    for event in events:
        metadata, data = None, None
        for topic, _ in topics_for(event.event_type):
            metadata = metadata or event_metadata(event)
            data = data or event_data_bytes(event)
            full_topic = get_full_topic(topic)
            message = RedisMessage(topic=full_topic, event_data=data, event_metadata=metadata)
            pipeline.xadd(
                full_topic,
                message.to_binary_dict(),
                maxlen=settings.EVENT_BUS_REDIS_STREAM_MAX_LEN,
                approximate=True,
            )
    if not len(pipeline):
        return
    try:
        pipeline.execute(raise_on_error=True)
    except Exception as exc:
        raise EventBusError(f"Redis event bus at {_safe_url(url)} did not take the events: {exc}") from exc


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port or 6379}{parts.path}"


# --- Kafka (optional extra) ---------------------------------------------------------------------------------


@functools.cache
def _kafka_producer():
    from confluent_kafka import Producer
    from edx_event_bus_kafka.internal.config import load_common_settings

    producer_settings = load_common_settings()
    if producer_settings is None:
        raise EventBusError("Kafka event bus settings are missing (EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS)")
    return Producer(producer_settings)


def publish_to_kafka(events: list[OutgoingEvent], *, timeout: float = 30.0) -> None:
    """Produce every event with edx-event-bus-kafka's serializers and headers, flush, and raise EventBusError
    unless every delivery report is a success."""
    try:
        from confluent_kafka.serialization import MessageField, SerializationContext
        from edx_event_bus_kafka.internal.config import get_full_topic
        from edx_event_bus_kafka.internal.producer import extract_event_key, get_serializers
        from edx_event_bus_kafka.internal.utils import _get_headers_from_metadata
        from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer
    except ImportError as exc:
        raise EventBusError(
            f"Kafka needs the `kafka` extra (pip install 'coursecerts[kafka]'): {exc}"
        ) from exc

    producer, failures = _kafka_producer(), []

    def delivered(error, message):
        if error is not None:
            failures.append(str(error))

    for event in events:
        signal = signal_for(event.event_type)
        event_data = AvroSignalDeserializer(signal).from_dict(event.data)
        headers = _get_headers_from_metadata(event_metadata=event_metadata(event))
        for topic, key_field in topics_for(event.event_type):
            full_topic = get_full_topic(topic)
            key_serializer, value_serializer = get_serializers(signal, key_field)
            key = key_serializer(
                extract_event_key(event_data, key_field),
                SerializationContext(full_topic, MessageField.KEY, headers),
            )
            value = value_serializer(
                event_data, SerializationContext(full_topic, MessageField.VALUE, headers)
            )
            producer.produce(full_topic, key=key, value=value, headers=headers, on_delivery=delivered)
    left = producer.flush(timeout)
    if left or failures:
        raise EventBusError(
            f"Kafka event bus did not take the events: {left} undelivered, errors: {failures[:3]}"
        )
