"""What the Open edX integration keeps of its own: the database import's runs, its progress per table (so a
stopped run resumes and the next run reads only what changed), which Open edX user each learner is, and
the inbox of events received from the LMS's event bus."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ImportRun(models.Model):
    """One `import_openedx` run against one source database and course selection (its `scope`). An unfinished
    run of the same scope is resumed by the next run."""

    scope = models.CharField(max_length=512, db_index=True, help_text="Source database and --courses.")
    started_at = models.DateTimeField(auto_now_add=True)
    source_started_at = models.DateTimeField(help_text="The source database's clock when the run began.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.scope} {self.started_at:%Y-%m-%d %H:%M} {'done' if self.finished_at else 'unfinished'}"


class ImportTableProgress(models.Model):
    """How far a run got in one source table: the key of the last row written (in the same transaction as the
    rows), and whether the table is done. `since` is the lower bound of the rows' modified timestamps this
    run reads (None: every row)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="tables")
    table = models.CharField(max_length=128)
    since = models.DateTimeField(null=True, blank=True)
    last_key = models.BigIntegerField(null=True, blank=True)
    done = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "table"], name="importtableprogress_unique")]

    def __str__(self):
        return f"{self.table} {'done' if self.done else self.last_key}"


class ImportedLearner(models.Model):
    """The Open edX auth_user id of an imported learner: later tables name learners by it, and a username the
    LMS changed (retirement renames) updates the same learner."""

    source_id = models.BigIntegerField(primary_key=True, help_text="Open edX auth_user.id")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.source_id} -> {self.user_id}"


class InboxStatus(models.TextChoices):
    PENDING = "pending"  # recorded, not applied yet
    DONE = "done"  # applied
    SKIPPED = (
        "skipped"  # nothing to apply, on purpose: older than an applied event, a CCX course (`note` says)
    )
    FAILED = "failed"  # applying raised, or the event is malformed: `last_error`; retried at `available_at`
    DISCARDED = "discarded"  # an operator gave up on it (admin, `coursecerts inbox_events discard`)


class InboxEvent(models.Model):
    """An event received from the LMS's event bus (ADR 0021), recorded before it is applied. `event_id` is the
    openedx-events metadata id: a repeat of a recorded id is dropped. `data` is the event's Avro record as
    openedx-events' AvroSignalSerializer.to_dict() gives it (None when the message could not be read). `kind`,
    `user_key` (the LMS user id) and `course_key` are read from it, for ordering and for the admin's search:
    events of one (kind, learner, course) are applied newest-time-wins, an older one is skipped."""

    event_id = models.UUIDField(unique=True)
    event_type = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, blank=True, default="")
    time = models.DateTimeField(help_text="The event's metadata time (UTC): when it happened in the LMS.")
    source = models.CharField(max_length=255, blank=True, default="")
    topic = models.CharField(max_length=255, blank=True, default="")
    position = models.CharField(
        max_length=64, blank=True, default="", help_text="The Redis stream message id."
    )
    course_key = models.CharField(max_length=255, blank=True, default="")
    user_key = models.BigIntegerField(null=True, blank=True, help_text="The LMS user id.")
    data = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=InboxStatus.choices, default=InboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    note = models.CharField(max_length=255, blank=True, default="")
    received_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(
        null=True,
        blank=True,
        default=timezone.now,
        help_text="When it is (re)tried; empty: only by an operator.",
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="inboxevent_status_valid", condition=Q(status__in=InboxStatus.values))
        ]
        indexes = [
            # the consumer's batches: pending and due failed rows, in arrival order (inbox.inbox_due)
            models.Index(fields=["status", "available_at", "id"], name="inboxevent_due_idx"),
            # ordering: the newest applied event of each (kind, learner) in a course (event_apply._applied_times)
            models.Index(fields=["course_key", "kind", "user_key", "time"], name="inboxevent_order_idx"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id} ({self.status})"
