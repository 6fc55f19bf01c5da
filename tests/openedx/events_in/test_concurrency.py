"""Two consumers of one group at once (ADR 0021): the consumer group shares the messages, and a batch's inbox rows
are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so every event is recorded and applied once and every
certificate issued once. Needs a server database with concurrent writers (PostgreSQL, MariaDB)."""

import threading
import uuid

import pytest
from django.db import connection

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.openedx.consumer import InboxRedisConsumer
from coursecerts.openedx.models import InboxEvent, InboxStatus
from tests.openedx.events_in.bus import TOPIC, enrolled, passing, person

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

LEARNERS = 150


def test_two_consumers_of_one_group_apply_each_event_once(bus):
    for lms_id in range(1, LEARNERS + 1):
        user = person(lms_id, f"learner{lms_id}", f"Learner {lms_id}")
        enrolled(user)
        passing(user)
    group, errors = f"pair-{uuid.uuid4().hex[:6]}", []
    consumers = [
        InboxRedisConsumer(TOPIC, group, name, check_backlog=True, exit_when_idle=1, batch_size=40)
        for name in ("one", "two")
    ]

    def run(consumer):
        try:
            consumer.consume_indefinitely()
        except Exception as exc:  # reported below, with the consumer's name
            errors.append(f"{consumer.consumer_name}: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(consumer,)) for consumer in consumers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert all(consumer.stats["read"] for consumer in consumers)  # both took part
    assert sum(consumer.stats["read"] for consumer in consumers) == 2 * LEARNERS
    assert InboxEvent.objects.count() == 2 * LEARNERS
    assert set(InboxEvent.objects.values_list("status", flat=True)) == {InboxStatus.DONE}
    assert GeneratedCertificate.objects.filter(status="downloadable").count() == LEARNERS
    assert CertificateHistory.objects.count() == LEARNERS  # each issued once
