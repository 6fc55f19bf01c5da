"""The transactional outbox: work that a data change owes, written in the change's transaction (DESIGN.md, ADR
0013). A row is committed with the change or not at all, so nothing owed is lost if the process dies after the
commit; the drain (services.outbox_drain) runs each row once it is due, and keeps a failed one with its error
for a retry.

State of an entry, from its timestamps:

    waiting (done_at null, available_at in the future: a retry's delay)
        -> due (done_at null, available_at passed, no live claim)
        -> claimed (claimed_at within the lease: a drainer is running it; an expired claim is due again)
        -> done (done_at set)           or back to waiting, with attempts + 1 and last_error, when it failed
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from coursecerts.courses.models import CourseRun


class OutboxKinds(models.TextChoices):
    # payload {"sources": {source: [user ids]}}: decide and write these learners' certificates (idempotent).
    GENERATE_CERTIFICATES = "certificates.generate", "Generate certificates"


class OutboxEntry(models.Model):
    """One piece of owed work: a kind, the course it concerns, and its input (a whole import's learners in one
    row, not one row per learner)."""

    kind = models.CharField(max_length=64, choices=OutboxKinds.choices)
    course = models.ForeignKey(CourseRun, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    payload = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(default=timezone.now, help_text="Not run before this time (retries).")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="A drainer's lease, renewed as it works."
    )
    done_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "outbox entry"
        verbose_name_plural = "outbox entries"
        ordering = ["available_at", "pk"]
        indexes = [
            # The drain's query: entries not done, the longest due first (services._due); done_at null sorts
            # first, so the same index serves the purge of old done entries (services.outbox_purge).
            models.Index(fields=["done_at", "available_at"], name="outbox_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="outboxentry_kind_valid", condition=models.Q(kind__in=OutboxKinds.values)
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.course_id or ''} #{self.pk}"

    @property
    def state(self) -> str:
        if self.done_at is not None:
            return "done"
        return "failed" if self.last_error else "pending"


class EventTypes(models.TextChoices):
    """The Open edX certificate events coursecerts sends (openedx-events' CERTIFICATE_* signals); when each fires
    is written in ADR 0015 and coursecerts.certificates.events.event_type_for."""

    CERTIFICATE_CREATED = "org.openedx.learning.certificate.created.v1", "Certificate created"
    CERTIFICATE_CHANGED = "org.openedx.learning.certificate.changed.v1", "Certificate changed"
    CERTIFICATE_REVOKED = "org.openedx.learning.certificate.revoked.v1", "Certificate revoked"


class OutgoingEvent(models.Model):
    """One event owed to the outside world (the Open edX event bus, the webhook endpoints), written in the
    transaction of the change it tells of (ADR 0015). `id` is the order sinks receive events in; `event_id` is
    the event's identity everywhere: the openedx-events metadata id on the bus and the `webhook-id` of its
    webhooks, the same on every resend of this row, so consumers drop repeats."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=100, choices=EventTypes.choices)
    time = models.DateTimeField(help_text="When the change happened (UTC): the event's metadata time.")
    minorversion = models.PositiveSmallIntegerField(default=0)
    # No index on course_key: nothing looks events up by course (a resend reads certificates), and each index
    # is written for every row of a course-wide chunk (bench/events.py). user_id's serves retirement's scrub
    # (outgoing.outgoing_events_forget_learners).
    course_key = models.CharField(max_length=255)
    user_id = models.IntegerField(null=True, blank=True, db_index=True)
    # openedx-events' CertificateData as its Avro record dict, i.e. AvroSignalSerializer(signal).to_dict(...):
    # {"certificate": {"user": {...}, "course": {...}, "mode": ..., ...}} (tests/events/test_certificate_events.py).
    data = models.JSONField()
    # The certificate's verify_uuid (never changes once set). With `data` and course_key it makes the `data` of
    # the webhook body, built when a message is sent (events.webhooks.payload): no second copy of the event.
    verify_uuid = models.CharField(max_length=32, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "outgoing event"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="outgoingevent_type_valid", condition=models.Q(event_type__in=EventTypes.values)
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.event_type} {self.course_key} user {self.user_id}"


class SinkCursor(models.Model):
    """How far the relay has handed the outgoing events to one sink (events.sinks): every event with an id up to
    `position` is handed over, except none: ids the relay passed while their transaction had not committed yet
    are kept in `gaps` and handed over when they appear (events.relay). A relay works on a sink only while it
    holds this row's lock (SELECT ... FOR UPDATE SKIP LOCKED), so two relays never hand the same rows over."""

    name = models.CharField(max_length=64, unique=True)
    position = models.BigIntegerField(default=0, help_text="The last OutgoingEvent id handed to the sink.")
    # {"ranges": [[first id, last id, ISO time first seen missing], ...]}: ids below position not seen yet (an
    # open transaction, or one rolled back); dropped after EVENT_RELAY_GAP_SECONDS (events.relay).
    gaps = models.JSONField(default=dict, blank=True)
    last_handed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "event sink"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} at #{self.position}"
