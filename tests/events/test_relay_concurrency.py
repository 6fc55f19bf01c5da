"""Two relays at once never hand the same event to a sink twice: the cursor row is locked by one (SELECT ...
FOR UPDATE SKIP LOCKED) and the other moves on. Needs a server database with concurrent writers (PostgreSQL,
MariaDB)."""

import threading
import time

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from coursecerts.events import sinks
from coursecerts.events.models import EventTypes, OutgoingEvent, SinkCursor
from coursecerts.events.relay import relay_once

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


class SlowSink:
    """Records every hand-over, and takes its time, so that the relays overlap."""

    name = "slow"

    def __init__(self):
        self.handed, self.lock = [], threading.Lock()

    def enabled(self):
        return True

    def enqueue(self, events):
        time.sleep(0.02)
        with self.lock:
            self.handed.extend(event.id for event in events)

    def run_due(self):
        return 0


def test_two_relays_at_once_hand_each_event_over_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer: run one relay")
    sink = SlowSink()
    sinks.register(sink)
    SinkCursor.objects.create(name=sink.name, position=0)
    now = timezone.now()
    OutgoingEvent.objects.bulk_create(
        OutgoingEvent(event_type=EventTypes.CERTIFICATE_CREATED, time=now, course_key="course-v1:a+b+c",
                      user_id=n, data={})
        for n in range(300)
    )  # fmt: skip
    expected = list(OutgoingEvent.objects.order_by("id").values_list("id", flat=True))
    barrier, errors, busy = threading.Barrier(2, timeout=10), [], []

    def relay():
        try:
            barrier.wait()
            while len(sink.handed) < len(expected):
                (outcome,) = relay_once(names=[sink.name])
                busy.append(outcome.busy)
                errors.extend([outcome.error] if outcome.error else [])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    try:
        with override_settings(EVENT_RELAY_BATCH_SIZE=10):
            threads = [threading.Thread(target=relay) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
    finally:
        sinks.unregister(sink.name)

    assert errors == []
    assert any(busy), "the relays never overlapped"
    assert sorted(sink.handed) == expected  # every event once: none twice, none missing
    assert SinkCursor.objects.get(name=sink.name).position == expected[-1]
