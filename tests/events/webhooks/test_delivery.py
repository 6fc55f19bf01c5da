"""Delivering webhooks to a real receiver on loopback: signed per Standard Webhooks (checked with the official
`standardwebhooks` library), retried on the schedule with the same webhook-id, 410 disables, Retry-After is
honoured, every attempt is logged."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from coursecerts.events import sinks
from coursecerts.events.webhooks.delivery import WebhookSink
from coursecerts.events.webhooks.models import MessageStates, WebhookAttempt, WebhookMessage
from coursecerts.events.webhooks.services import webhook_endpoint_create, webhook_endpoint_rotate_secret
from tests.events.webhooks.conftest import expected_data, outgoing_event, start_receiver, verified

pytestmark = pytest.mark.django_db

SINK = WebhookSink()


def deliver(*events) -> int:
    SINK.enqueue(list(events))
    return SINK.run_due()


def make_due() -> None:
    """As if the retry's delay had passed."""
    WebhookMessage.objects.filter(state=MessageStates.PENDING).update(next_attempt_at=timezone.now())


def test_the_webhooks_sink_is_registered():
    assert isinstance(sinks.get("webhooks"), WebhookSink)


def test_a_message_reaches_the_receiver_signed_as_standard_webhooks_says(receiver, endpoint):
    event = outgoing_event()
    assert deliver(event) == 1
    [got] = receiver.received
    assert got.path == "/hooks?team=1"
    assert got.headers["webhook-id"] == str(event.event_id)
    assert abs(int(got.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 5
    assert got.headers["Content-Type"] == "application/json"
    assert verified(got, endpoint.secret) == {
        "type": "org.openedx.learning.certificate.created.v1",
        "timestamp": "2026-11-02T10:30:00Z",
        "data": expected_data(event),
    }
    message = WebhookMessage.objects.get()
    assert (message.state, message.attempts, message.last_status_code) == (MessageStates.SENT, 1, 204)
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (204, "")


def test_the_secret_is_whsec_and_24_to_64_random_bytes(endpoint):
    assert endpoint.secret.startswith("whsec_")
    assert 24 <= len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) <= 64
    other = webhook_endpoint_create(url=endpoint.url)
    assert other.secret != endpoint.secret


def test_a_wrong_secret_does_not_verify(receiver, endpoint):
    deliver(outgoing_event())
    other = webhook_endpoint_create(url=endpoint.url)
    with pytest.raises(WebhookVerificationError):
        verified(receiver.received[0], other.secret)


def test_an_endpoint_gets_only_the_event_types_it_asked_for(receiver):
    revoked_only = webhook_endpoint_create(
        url=receiver.url, event_types=["org.openedx.learning.certificate.revoked.v1"]
    )
    deliver(outgoing_event(), outgoing_event(event_type="org.openedx.learning.certificate.revoked.v1"))
    [got] = receiver.received
    assert verified(got, revoked_only.secret)["type"] == "org.openedx.learning.certificate.revoked.v1"


def test_handing_the_same_events_over_twice_sends_them_once(receiver, endpoint):
    event = outgoing_event()
    SINK.enqueue([event])
    SINK.enqueue([event])
    assert SINK.run_due() == 1
    assert len(receiver.received) == 1


def test_events_from_before_an_endpoint_was_registered_are_not_sent_to_it(receiver):
    event = outgoing_event()
    webhook_endpoint_create(url=receiver.url)
    assert deliver(event) == 0
    assert receiver.received == []


def test_a_failed_attempt_is_retried_with_the_same_webhook_id(receiver, endpoint):
    receiver.answer(500)
    event = outgoing_event()
    deliver(event)
    message = WebhookMessage.objects.get()
    assert (message.state, message.attempts, message.last_status_code) == (MessageStates.PENDING, 1, 500)
    wait = (message.next_attempt_at - timezone.now()).total_seconds()
    assert 3 < wait <= 5.5  # the schedule's first delay, 5 s, plus at most 10% jitter
    assert SINK.run_due() == 0  # not due yet
    make_due()
    assert SINK.run_due() == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == str(event.event_id)
    assert first.body == second.body
    assert verified(second, endpoint.secret)["data"] == expected_data(event)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageStates.SENT, 2)
    assert [a.status_code for a in WebhookAttempt.objects.order_by("pk")] == [500, 204]


def test_a_receiver_that_is_down_then_comes_back_gets_the_message_once(endpoint, receiver):
    port = receiver.server.server_address[1]
    receiver.server.shutdown()
    receiver.server.server_close()
    event = outgoing_event()
    deliver(event)
    message = WebhookMessage.objects.get()
    assert message.state == MessageStates.PENDING
    assert message.last_status_code is None
    assert "Could not connect" in message.last_error
    back = start_receiver(port)
    try:
        make_due()
        assert SINK.run_due() == 1
        make_due()
        assert SINK.run_due() == 0
        [got] = back.received
        assert got.headers["webhook-id"] == str(event.event_id)
        assert verified(got, endpoint.secret)["data"] == expected_data(event)
    finally:
        back.server.shutdown()
        back.server.server_close()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageStates.SENT, 2)


def test_a_message_fails_after_the_schedules_last_retry(receiver, endpoint, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = (5, 60)
    receiver.answer(500, 502, 500, 204)
    deliver(outgoing_event())
    for _ in range(3):
        make_due()
        SINK.run_due()
    message = WebhookMessage.objects.get()
    assert (message.state, message.attempts, message.next_attempt_at) == (MessageStates.FAILED, 3, None)
    assert len(receiver.received) == 3  # one attempt and two retries: never a fourth


def test_a_410_disables_the_endpoint_and_cancels_what_it_was_owed(receiver, endpoint):
    receiver.answer(410)
    first, later = outgoing_event(), outgoing_event()
    SINK.enqueue([first, later])
    WebhookMessage.objects.filter(event=later).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    SINK.run_due()
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert "410" in endpoint.disabled_reason
    states = dict(WebhookMessage.objects.values_list("event_id", "state"))
    assert states == {first.pk: MessageStates.FAILED, later.pk: MessageStates.CANCELLED}
    assert SINK.enabled() is False
    SINK.enqueue([outgoing_event()])
    assert WebhookMessage.objects.count() == 2


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_slow_down_answers_are_retried_after_their_retry_after(receiver, endpoint, status):
    receiver.answer(status, headers={"Retry-After": "120"})
    deliver(outgoing_event())
    message = WebhookMessage.objects.get()
    wait = (message.next_attempt_at - timezone.now()).total_seconds()
    assert 115 < wait <= 120


def test_retry_after_on_another_error_is_not_followed(receiver, endpoint):
    receiver.answer(500, headers={"Retry-After": "3600"})
    deliver(outgoing_event())
    wait = (WebhookMessage.objects.get().next_attempt_at - timezone.now()).total_seconds()
    assert wait <= 5.5


def test_a_redirect_is_not_followed_and_is_a_failure(receiver, endpoint):
    receiver.answer(307, headers={"Location": "http://127.0.0.1:9/elsewhere"})
    deliver(outgoing_event())
    message = WebhookMessage.objects.get()
    assert (message.state, message.last_status_code) == (MessageStates.PENDING, 307)
    assert "only a 2xx" in message.last_error
    assert len(receiver.received) == 1


def test_an_answer_too_slow_is_a_failed_attempt(receiver, endpoint, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 2
    deliver(outgoing_event())
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert "No answer within 1 s" in attempt.error
    assert attempt.duration_ms >= 900
    assert WebhookMessage.objects.get().state == MessageStates.PENDING


def test_during_a_rotation_both_secrets_sign_and_each_verifies(receiver, endpoint):
    old_secret = endpoint.secret
    rotated = webhook_endpoint_rotate_secret(endpoint=endpoint, grace_seconds=3600)
    deliver(outgoing_event())
    [got] = receiver.received
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert verified(got, old_secret) == verified(got, rotated.secret)


def test_after_the_grace_period_only_the_new_secret_signs(receiver, endpoint):
    old_secret = endpoint.secret
    rotated = webhook_endpoint_rotate_secret(endpoint=endpoint, grace_seconds=3600)
    type(endpoint).objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    deliver(outgoing_event())
    [got] = receiver.received
    assert verified(got, rotated.secret)
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(got.body, got.headers)


def test_an_address_that_became_private_is_refused_at_delivery(receiver, endpoint, settings):
    """DNS rebinding: the URL was accepted, now it leads to a loopback address; nothing is sent there."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    deliver(outgoing_event())
    assert receiver.received == []
    message = WebhookMessage.objects.get()
    assert message.state == MessageStates.PENDING
    assert message.last_error.startswith("Refused:")
    assert "127.0.0.1" in message.last_error
