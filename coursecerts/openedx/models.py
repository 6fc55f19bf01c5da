"""What the Open edX integration keeps of its own: the database import's runs, its progress per table (so a
stopped run resumes and the next run reads only what changed), and which Open edX user each learner is."""

from django.conf import settings
from django.db import models


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
