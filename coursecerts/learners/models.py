"""Learners are Django users (so Open edX user ids and usernames carry over) with a profile for their names."""

from django.conf import settings
from django.db import models

from coursecerts.common.models import TimeStampedModel
from coursecerts.common.validators import clean_plain_text_fields


class LearnerProfile(TimeStampedModel):
    """What a certificate needs to know about a person beyond the auth user: the names, and retirement.

    `name` is the full name (Open edX UserProfile.name); `verified_name` is the name confirmed by ID
    verification, printed instead when the learner chose it (Open edX name-affirmation).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    name = models.CharField(max_length=255, blank=True, default="")
    verified_name = models.CharField(max_length=255, blank=True, default="")
    use_verified_name_for_certificates = models.BooleanField(default=False)
    retired_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Set when the learner's retirement has completed."
    )

    class Meta:
        verbose_name = "learner"

    def __str__(self):
        return f"{self.user.username} ({self.name})" if self.name else self.user.username

    def clean(self):
        clean_plain_text_fields(self, "name", "verified_name")

    @property
    def certificate_name(self) -> str:
        return certificate_name(self.name, self.verified_name, self.use_verified_name_for_certificates)


def certificate_name(name: str, verified_name: str, use_verified_name: bool) -> str:
    """The name to print: the verified name when the learner chose it and has one, else the full name."""
    return verified_name if use_verified_name and verified_name else name


class RetirementRecord(models.Model):
    """What one retirement run did, without personal data: the learner appears only as the numeric user id
    (the auth user row stays, with its name and email blanked), the files only by paths made of uuids."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id_retired = models.BigIntegerField(db_index=True, help_text="Id of the retired auth user.")
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=32, help_text="command or api")
    certificates_changed = models.PositiveIntegerField(default=0)
    history_rows_changed = models.PositiveIntegerField(default=0)
    pdf_references_purged = models.PositiveIntegerField(default=0)
    learner_rows_changed = models.PositiveIntegerField(default=0)
    rendered_pdfs_deleted = models.PositiveIntegerField(default=0)
    files_deleted = models.JSONField(default=list, blank=True, help_text="Legacy PDF files this run deleted.")
    files_missing = models.JSONField(
        "files already missing",
        default=list,
        blank=True,
        help_text="Legacy PDF files the certificate's references pointed to but that were not in storage: "
        "nothing was deleted for them.",
    )
    files_failed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"retirement of user {self.user_id_retired} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def complete(self) -> bool:
        return not self.files_failed
