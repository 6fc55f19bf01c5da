"""Several relays sending at once (PostgreSQL, MariaDB): each message is claimed by one relay, so no message
is sent twice at the same time and none is left behind."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from coursecerts.events.webhooks.delivery import WebhookSink, webhook_messages_send_due
from coursecerts.events.webhooks.models import MessageStates, WebhookAttempt, WebhookMessage
from tests.events.webhooks.conftest import outgoing_event

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_relays_running_at_once_send_each_message_once(receiver, endpoint):
    receiver.delay = 0.005
    events = [outgoing_event(username=f"u{n}") for n in range(300)]
    WebhookSink().enqueue(events)
    start, counts = threading.Barrier(3), []

    def relay():
        try:
            start.wait()
            counts.append(webhook_messages_send_due())
        finally:
            connection.close()

    relays = [threading.Thread(target=relay) for _ in range(3)]
    for thread in relays:
        thread.start()
    for thread in relays:
        thread.join()
    ids = Counter(got.headers["webhook-id"] for got in receiver.received)
    assert set(ids) == {str(event.event_id) for event in events}
    assert max(ids.values()) == 1
    assert sum(counts) == 300
    assert len([count for count in counts if count]) >= 2  # they did share the work
    assert WebhookMessage.objects.filter(state=MessageStates.SENT, attempts=1).count() == 300
    assert WebhookAttempt.objects.count() == 300
