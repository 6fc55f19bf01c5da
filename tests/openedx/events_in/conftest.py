"""Fixtures of the events-in tests: the Redis event bus, and work owed after commit run when it is owed."""

import os
import uuid

import pytest
import redis
from django.test import override_settings

from tests.openedx.events_in.bus import REDIS_URL, _run_after_commit


@pytest.fixture
def bus():
    """The Redis event bus with a topic prefix of this test's own; its streams are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (.ci/run starts one)")
    prefix = f"cc-evin-{uuid.uuid4().hex[:8]}"
    settings = {
        "EVENT_BUS_PRODUCER": "edx_event_bus_redis.create_producer",
        "EVENT_BUS_REDIS_CONNECTION_URL": REDIS_URL,
        "EVENT_BUS_TOPIC_PREFIX": prefix,
        "EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT": 1,
        "EVENTS_INBOX_BATCH_MILLISECONDS": 100,
        "AUTO_CERTIFICATE_GENERATION": True,
    }
    with override_settings(**settings):
        yield client
    for key in client.scan_iter(f"{prefix}-*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks):
    """The test's transaction never commits: what the consumer's commits owe (the outbox's generation) runs
    when `consume` returns, as it would after each commit."""
    _run_after_commit.append(django_capture_on_commit_callbacks)
    yield
    _run_after_commit.clear()
