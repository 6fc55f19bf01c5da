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
