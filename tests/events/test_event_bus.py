"""The relay publishes certificate events to a real Redis as edx-event-bus-redis does, so the library's own
consumer reads them; a bus that is down loses nothing and the command says so; no bus, nothing published."""

import os
import uuid

import pytest
import redis
from django.core.management import CommandError, call_command
from django.test import override_settings
from edx_event_bus_redis.internal.consumer import RedisEventConsumer
from edx_event_bus_redis.internal.message import RedisMessage
from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer
from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes
from openedx_events.learning.signals import CERTIFICATE_CREATED, CERTIFICATE_REVOKED

from coursecerts.certificates.services import certificate_generate, certificate_invalidate
from coursecerts.events.bus import event_data_bytes
from coursecerts.events.models import OutgoingEvent, SinkCursor
from coursecerts.events.relay import relay_once
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("COURSECERTS_TEST_EVENT_BUS_URL", "redis://127.0.0.1:6379/14")
TOPIC = "learning-certificate-lifecycle"


@pytest.fixture
def bus():
    """The Redis event bus, with a topic prefix of this test's own; its streams are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (.ci/run starts one)")
    prefix = f"cc-h14-{uuid.uuid4().hex[:8]}"
    settings = {
        "EVENT_BUS_PRODUCER": "edx_event_bus_redis.create_producer",
        "EVENT_BUS_REDIS_CONNECTION_URL": REDIS_URL,
        "EVENT_BUS_TOPIC_PREFIX": prefix,
        "EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT": 1,
    }
    with override_settings(**settings):
        SinkCursor.objects.create(name="event_bus", position=0)
        yield client, f"{prefix}-{TOPIC}"
    for key in client.scan_iter(f"{prefix}-*"):
        client.delete(key)


def consume(full_topic_count: int):
    """Read the topic from its start with edx-event-bus-redis's consumer, which emits each message as its
    Open edX signal; returns what the receivers got."""
    received = []

    def receiver(signal, sender, **kwargs):
        received.append((signal.event_type, kwargs["certificate"], kwargs["metadata"]))

    consumer = RedisEventConsumer(TOPIC, f"group-{uuid.uuid4().hex[:6]}", "test", check_backlog=True)
    for signal in (CERTIFICATE_CREATED, CERTIFICATE_REVOKED):
        signal.connect(receiver, weak=False)
    try:
        for message in consumer.consumer.read(count=100):
            consumer.emit_signals_from_message(RedisMessage.parse(message, topic=consumer.full_topic))
    finally:
        for signal in (CERTIFICATE_CREATED, CERTIFICATE_REVOKED):
            signal.disconnect(receiver)
    return received


def test_the_library_s_consumer_reads_the_certificate_data_and_metadata_as_sent(course, bus):
    client, stream = bus
    user = learner_in_course(course)
    cert = certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")
    certificate_invalidate(certificate=cert, source="t")

    (outcome,) = relay_once(names=["event_bus"])

    assert (outcome.handed, outcome.error) == (2, "")
    assert client.xlen(stream) == 2
    created, revoked = OutgoingEvent.objects.order_by("id")
    received = consume(2)
    assert [kind for kind, _, _ in received] == [created.event_type, revoked.event_type]
    for event, (_, certificate, metadata) in zip((created, revoked), received, strict=True):
        signal = CERTIFICATE_CREATED if event == created else CERTIFICATE_REVOKED
        assert certificate == AvroSignalDeserializer(signal).from_dict(event.data)["certificate"]
        assert metadata.id == event.event_id
        assert metadata.event_type == event.event_type
        assert metadata.source == "openedx/coursecerts/web"
        assert metadata.time == event.time and metadata.time.utcoffset().total_seconds() == 0
        assert metadata.minorversion == 0 and metadata.sourcehost and metadata.sourcelib
    assert received[0][1].user.pii.username == user.username
    assert (received[1][1].current_status, received[1][1].previous_status) == ("unavailable", "downloadable")
    assert SinkCursor.objects.get(name="event_bus").position == revoked.id


def test_the_avro_bytes_are_openedx_events_own(course):
    user = learner_in_course(course)
    certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")
    event = OutgoingEvent.objects.get()
    data = AvroSignalDeserializer(CERTIFICATE_CREATED).from_dict(event.data)
    assert event_data_bytes(event) == serialize_event_data_to_bytes(data, CERTIFICATE_CREATED)


def test_a_bus_that_is_down_loses_nothing_and_is_named_then_gets_each_event_once(course, bus):
    client, stream = bus
    users = [learner_in_course(course) for _ in range(3)]
    for user in users[:2]:
        certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")

    with override_settings(EVENT_BUS_REDIS_CONNECTION_URL="redis://127.0.0.1:1/14"):
        (outcome,) = relay_once(names=["event_bus"])
        assert outcome.handed == 0 and "127.0.0.1:1" in outcome.error
        with pytest.raises(CommandError, match=r"event_bus: EventBusError: Redis event bus .* did not take"):
            call_command("relay_events", "--once", "--sink", "event_bus")
    cursor = SinkCursor.objects.get(name="event_bus")
    assert cursor.position == 0 and "did not take" in cursor.last_error and cursor.last_error_at
    assert client.xlen(stream) == 0

    certificate_generate(user=users[2], course_run=course, mode="verified", grade="0.9", source="t")
    call_command("relay_events", "--once", "--sink", "event_bus")
    call_command("relay_events", "--once", "--sink", "event_bus")  # nothing more is due

    ids = [fields[b"id"].decode() for _, fields in client.xrange(stream)]
    assert ids == [str(e.event_id) for e in OutgoingEvent.objects.order_by("id")]
    assert len(ids) == 3


def test_with_no_bus_configured_nothing_is_published_and_nothing_is_owed(course):
    user = learner_in_course(course)
    certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")
    with override_settings(EVENT_BUS_PRODUCER=""):
        (outcome,) = relay_once(names=["event_bus"])
        call_command("relay_events", "--once", "--sink", "event_bus")
    assert outcome.disabled and outcome.handed == 0 and not outcome.error
    assert SinkCursor.objects.get(name="event_bus").position == OutgoingEvent.objects.get().id
