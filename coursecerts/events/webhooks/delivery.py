"""Delivering webhook messages: the sink the relay hands outgoing events to (coursecerts.events.sinks).

- enqueue(events): one pending message per event and active endpoint that takes its type, in bulk; the
  database holds them from then on (the relay moves its cursor past the events once this returns).
- run_due(): sends the messages due now. A relay claims a batch with a conditional update and a lease
  (`claimed_until`), so relays running at once never send the same message at the same time; the batch is sent
  by a bounded pool of threads (HTTP only: the database is written by the calling thread), and each answer is
  recorded as an attempt and decides the message's next state (models.py, README "Webhooks").
"""

from __future__ import annotations

import logging
import math
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from coursecerts.events.webhooks import transport
from coursecerts.events.webhooks.addresses import Target, UnsafeUrl, target_check
from coursecerts.events.webhooks.models import MessageStates, WebhookAttempt, WebhookEndpoint, WebhookMessage
from coursecerts.events.webhooks.payload import webhook_data
from coursecerts.events.webhooks.services import WEBHOOKS_SINK, webhook_endpoint_disable
from coursecerts.events.webhooks.signing import body_bytes, signed_headers

log = logging.getLogger(__name__)

# Answers that mean "slow down": the next attempt waits for their Retry-After, when they give one.
SLOW_DOWN = {429, 502, 503, 504}
GONE = 410
MAX_RETRY_AFTER_SECONDS = 86400
BATCH_PER_THREAD = 8


class WebhookSink:
    """The webhooks sink (registered in WebhooksConfig.ready)."""

    name = WEBHOOKS_SINK

    def enabled(self) -> bool:
        return WebhookEndpoint.objects.filter(is_active=True).exists()

    def enqueue(self, events) -> None:
        webhook_messages_create(events)

    def run_due(self) -> int:
        return webhook_messages_send_due()


def webhook_messages_create(events: Iterable) -> int:
    """A pending message for each event and each active endpoint that takes its type and was registered before
    the event happened. Idempotent: handing the same events over again creates nothing."""
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    now = timezone.now()
    rows = [
        WebhookMessage(endpoint=endpoint, event=event, next_attempt_at=now, created=now, updated=now)
        for event in events
        for endpoint in endpoints
        if endpoint.wants(event.event_type) and event.created >= endpoint.created
    ]
    WebhookMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def webhook_messages_send_due(*, limit: int | None = None) -> int:
    """Send every message due now (at most `limit`), batch after batch; returns how many were attempted."""
    threads = settings.WEBHOOK_DELIVERY_THREADS
    size = threads * BATCH_PER_THREAD
    done = 0
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="webhook") as pool:
        while limit is None or done < limit:
            found, batch = _claim(min(size, limit - done) if limit else size)
            if not found:
                break
            if batch:
                _send(batch, pool)
                done += len(batch)
    return done


def _lease(size: int) -> timedelta:
    """Long enough to send a whole batch if every send in it times out."""
    rounds = math.ceil(size / settings.WEBHOOK_DELIVERY_THREADS)
    return timedelta(seconds=rounds * (2 * settings.WEBHOOK_TIMEOUT_SECONDS + 1) + 30)


def _unclaimed(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _claim(size: int) -> tuple[bool, list[WebhookMessage]]:
    """(whether any message was due, the batch this relay claimed). The claim is a conditional update: a message
    another relay claimed in between is not updated, so not sent twice."""
    now = timezone.now()
    due = list(
        WebhookMessage.objects.filter(
            _unclaimed(now), state=MessageStates.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:size]
    )
    if not due:
        return False, []
    claim = uuid.uuid4()
    WebhookMessage.objects.filter(_unclaimed(now), pk__in=due, state=MessageStates.PENDING).update(
        claim=claim, claimed_until=now + _lease(len(due))
    )
    batch = WebhookMessage.objects.filter(pk__in=due, claim=claim).select_related("endpoint", "event")
    return True, list(batch)


@dataclass
class _Request:
    message: WebhookMessage
    target: Target | None
    refusal: str
    body: bytes
    headers: dict[str, str]


def _send(batch: list[WebhookMessage], pool: ThreadPoolExecutor) -> None:
    requests = _prepare(batch)
    answers = list(pool.map(_post, requests))
    _record(batch, answers)


def _prepare(batch: list[WebhookMessage]) -> list[_Request]:
    """Bodies and signatures, and the checked address of each URL (resolved once a batch)."""
    targets: dict[str, Target | str] = {}
    requests = []
    for message in batch:
        endpoint, event = message.endpoint, message.event
        if endpoint.url not in targets:
            try:
                targets[endpoint.url] = target_check(endpoint.url)
            except UnsafeUrl as exc:
                targets[endpoint.url] = f"Refused: {exc}"
        target = targets[endpoint.url]
        body = body_bytes(event_type=event.event_type, time=event.time, data=webhook_data(event))
        now = timezone.now()
        headers = signed_headers(
            message_id=str(event.event_id), body=body, secrets_=endpoint.signing_secrets(now), now=now
        )
        if isinstance(target, str):
            requests.append(_Request(message, None, target, body, headers))
        else:
            requests.append(_Request(message, target, "", body, headers))
    return requests


def _post(request: _Request) -> transport.Answer:
    if request.target is None:
        return transport.Answer(None, 0, error=request.refusal)
    return transport.post(
        url=request.message.endpoint.url,
        target=request.target,
        body=request.body,
        headers=request.headers,
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        pool_size=settings.WEBHOOK_DELIVERY_THREADS,
    )


def _record(batch: list[WebhookMessage], answers: list[transport.Answer]) -> None:
    now = timezone.now()
    claims = {message.claim for message in batch}
    attempts, gone = [], {}
    for message, answer in zip(batch, answers, strict=True):
        attempts.append(
            WebhookAttempt(
                message=message,
                created=now,
                status_code=answer.status_code,
                duration_ms=answer.duration_ms,
                error=answer.error,
                response_body=answer.body,
            )
        )
        _next_state(message, answer, now)
        if answer.status_code == GONE:
            gone[message.endpoint_id] = message.endpoint
    WebhookAttempt.objects.bulk_create(attempts, batch_size=1000)
    _save_states(batch, claims, now)
    for endpoint in gone.values():
        reason = f"The endpoint answered 410 Gone on {now:%Y-%m-%d %H:%M:%S} UTC."
        log.warning("webhooks: disabling %s: %s", endpoint.url, reason)
        webhook_endpoint_disable(endpoint=endpoint, reason=reason)


def _save_states(batch: list[WebhookMessage], claims: set, now) -> None:
    """One UPDATE per outcome shared by several messages (every 204 of a batch alike), guarded by the claim: a
    message cancelled or redelivered meanwhile is not overwritten. (bulk_update's CASE per row is far slower.)"""
    groups = defaultdict(list)
    for message in batch:
        key = (message.state, message.next_attempt_at, message.last_status_code, message.last_error)
        groups[key].append(message.pk)
    for (state, next_attempt_at, code, error), pks in groups.items():
        WebhookMessage.objects.filter(pk__in=pks, claim__in=claims).update(
            state=state,
            attempts=F("attempts") + 1,
            next_attempt_at=next_attempt_at,
            last_status_code=code,
            last_error=error,
            claim=None,
            claimed_until=None,
            updated=now,
        )


def _next_state(message: WebhookMessage, answer: transport.Answer, now) -> None:
    message.attempts += 1
    message.last_status_code = answer.status_code
    message.last_error = answer.error
    message.claim, message.claimed_until, message.updated = None, None, now
    code = answer.status_code
    if code is not None and 200 <= code < 300:
        message.state, message.next_attempt_at = MessageStates.SENT, None
        return
    delay = _retry_delay(message.attempts, answer)
    if code == GONE or delay is None:
        message.state, message.next_attempt_at = MessageStates.FAILED, None
        log.warning(
            "webhooks: message %s to %s failed: %s", message.event_id, message.endpoint.url, answer.error
        )
        return
    message.next_attempt_at = now + timedelta(seconds=delay)


def _retry_delay(attempts: int, answer: transport.Answer) -> float | None:
    """Seconds before the next attempt after `attempts` failed ones, or None when the schedule is over."""
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    if attempts > len(schedule):
        return None
    if answer.status_code in SLOW_DOWN and answer.retry_after is not None:
        return min(answer.retry_after, MAX_RETRY_AFTER_SECONDS)
    delay = schedule[attempts - 1]
    return delay + random.uniform(0, delay / 10)
