"""Certificate models. Names and field names are Open edX's, so rows move between the two without renaming.

State diagram of GeneratedCertificate.status (only the first four are written; Open edX ADR 004):

    (none) --generate--> downloadable <--generate/re-validate-- unavailable
       |                  |   ^   \\--invalidate------------------^
       |                  |   |
       |     mark_notpassing  generate (grade passes again)
       |                  v   |
       +--(ID missing)--> unverified / notpassing

Legacy statuses (generating, error, deleted...) stay readable for imported rows. Every change of status,
mode, grade or name is recorded in CertificateHistory by the services, the only code that writes certificates.
"""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from opaque_keys.edx.django.models import CourseKeyField

from coursecerts.common.models import ConfigurationModel, TimeStampedModel
from coursecerts.common.validators import clean_plain_text_fields
from coursecerts.courses.models import CourseModes, CourseRun, Organization


class CertificateStatuses(models.TextChoices):
    DOWNLOADABLE = "downloadable"
    NOTPASSING = "notpassing"
    UNAVAILABLE = "unavailable"
    UNVERIFIED = "unverified"
    # Legacy statuses, never written by coursecerts; kept so imported Open edX rows stay valid.
    GENERATING = "generating"
    REQUESTING = "requesting"
    ERROR = "error"
    DELETED = "deleted"
    DELETING = "deleting"
    RESTRICTED = "restricted"
    AUDITING = "auditing"
    AUDIT_PASSING = "audit_passing"
    AUDIT_NOTPASSING = "audit_notpassing"
    HONOR_PASSING = "honor_passing"
    INVALIDATED = "invalidated"


PASSED_STATUSES = frozenset({CertificateStatuses.DOWNLOADABLE, CertificateStatuses.GENERATING})
# The statuses an operator may regenerate by (Open edX instructor "regenerate certificates").
REGENERABLE_STATUSES = frozenset(
    {
        CertificateStatuses.DOWNLOADABLE,
        CertificateStatuses.NOTPASSING,
        CertificateStatuses.UNAVAILABLE,
        CertificateStatuses.UNVERIFIED,
        CertificateStatuses.AUDIT_PASSING,
        CertificateStatuses.AUDIT_NOTPASSING,
        CertificateStatuses.ERROR,
        CertificateStatuses.GENERATING,
    }
)


# How the instructor dashboard names the statuses a regeneration was for (Open edX readable_statuses).
READABLE_STATUSES = {
    CertificateStatuses.DOWNLOADABLE: "already received",
    CertificateStatuses.NOTPASSING: "didn't receive",
    CertificateStatuses.ERROR: "error states",
    CertificateStatuses.AUDIT_PASSING: "audit passing states",
    CertificateStatuses.AUDIT_NOTPASSING: "audit not passing states",
}


def new_verify_uuid() -> str:
    """A random (version 4) UUID's 32 hex digits, as uuid.uuid4().hex gives them, without the UUID object (a
    course-wide run draws tens of thousands)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    return raw.hex()


class VerifyUuidChanged(ValidationError):
    pass


class GeneratedCertificate(models.Model):
    """A learner's certificate for a course run: one row per (user, course run)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(
        CourseRun,
        on_delete=models.PROTECT,
        related_name="certificates",
        db_column="course_id",
        verbose_name="course key",
    )
    verify_uuid = models.CharField(max_length=32, unique=True, default=new_verify_uuid, editable=False)
    grade = models.CharField(max_length=5, blank=True, default="", help_text="Snapshot of the grade percent.")
    key = models.CharField(max_length=32, blank=True, default="")
    distinction = models.BooleanField(default=False)
    status = models.CharField(
        max_length=32, choices=CertificateStatuses.choices, default=CertificateStatuses.UNAVAILABLE
    )
    mode = models.CharField(max_length=32, choices=CourseModes.choices, default=CourseModes.HONOR)
    name = models.CharField(max_length=255, blank=True, help_text="Snapshot of the learner's name.")
    created_date = models.DateTimeField(auto_now_add=True)
    modified_date = models.DateTimeField(auto_now=True)
    download_uuid = models.CharField(max_length=32, blank=True, default="")
    download_url = models.CharField(max_length=128, blank=True, default="")
    error_reason = models.CharField(max_length=512, blank=True, default="")
    # Better than Open edX: the issued certificate is a frozen record (ADR 0002).
    course_title = models.CharField(max_length=255, blank=True, default="", help_text="Snapshot at issue.")
    issued_date = models.DateTimeField(
        null=True, blank=True, help_text="When it last became downloadable; re-saving never moves it."
    )
    # The template version it was issued with; empty: the built-in default design (ADR 0006).
    template_version = models.ForeignKey(
        "certificates.CertificateTemplateVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The template version this certificate was issued with; empty for the built-in design.",
    )
    # Expiry and renewal (ADR 0025): the expiry date is fixed at issue from the run's (else the organisation's)
    # validity period, as the issue date is; a certificate of a later run of the same course links the one it
    # renews.
    expires_date = models.DateTimeField(
        null=True, blank=True, help_text="When it expires, fixed at issue; empty: it never expires."
    )
    previous_certificate = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        help_text="The certificate this one renews (an earlier run of the same course).",
    )

    class Meta:
        ordering = ["course_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="generatedcertificate_unique_per_run"),
            models.CheckConstraint(
                name="generatedcertificate_status_valid", condition=Q(status__in=CertificateStatuses.values)
            ),
            models.CheckConstraint(
                name="generatedcertificate_mode_valid", condition=Q(mode__in=CourseModes.values)
            ),
            models.CheckConstraint(name="generatedcertificate_verify_uuid_set", condition=~Q(verify_uuid="")),
        ]
        indexes = [
            # Course reports and regenerate-by-status (certificates of a run with a given status).
            models.Index(fields=["course", "status"], name="cert_course_status_idx"),
            # As for enrollments and grades: a chunk of a course-wide run reads a run's rows for a range of user ids
            # (selectors.course_learner_facts): course = X AND user_id BETWEEN a AND b. Without it SQLite reads every
            # row of the run for each chunk (the course_id index), and a run's cost grows with the square of its size.
            models.Index(fields=["course", "user"], name="cert_course_user_idx"),
            # The daily expiry-notice task: certificates expiring within the next weeks (services.expiry).
            models.Index(fields=["expires_date"], name="cert_expires_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.course_id} {self.status}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_verify_uuid = instance.__dict__.get("verify_uuid")
        return instance

    def save(self, *args, **kwargs):
        # An invariant, not behaviour: the public id never changes once stored.
        loaded = getattr(self, "_loaded_verify_uuid", None)
        if loaded and self.verify_uuid != loaded:
            raise VerifyUuidChanged(f"verify_uuid of certificate {self.pk} cannot change once set")
        super().save(*args, **kwargs)
        self._loaded_verify_uuid = self.verify_uuid

    @property
    def course_id_str(self) -> str:
        return str(self.course_id)

    def is_valid(self) -> bool:
        return self.status == CertificateStatuses.DOWNLOADABLE

    @property
    def is_pdf_certificate(self) -> bool:
        return bool(self.download_url)


class CertificateHistory(models.Model):
    """One change of a certificate: what caused it, who, when, and from what to what (ADR 0002)."""

    certificate = models.ForeignKey(GeneratedCertificate, on_delete=models.CASCADE, related_name="history")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    source = models.CharField(max_length=64, help_text="What caused the change, e.g. grade_passed, admin.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_before = models.CharField(max_length=32, blank=True, default="")
    status_after = models.CharField(max_length=32, blank=True, default="")
    mode_before = models.CharField(max_length=32, blank=True, default="")
    mode_after = models.CharField(max_length=32, blank=True, default="")
    grade_before = models.CharField(max_length=5, blank=True, default="")
    grade_after = models.CharField(max_length=5, blank=True, default="")
    name_before = models.CharField(max_length=255, blank=True, default="")
    name_after = models.CharField(max_length=255, blank=True, default="")
    note = models.TextField(blank=True, default="")

    class Meta:
        verbose_name_plural = "certificate history"
        ordering = ["certificate_id", "created", "pk"]

    def __str__(self):
        return f"{self.certificate_id}: {self.status_before or '-'} -> {self.status_after} ({self.source})"


class CertificateAllowlist(TimeStampedModel):
    """Learners who get a certificate whatever their grade (Open edX "exceptions"). Counts only when `allowlist`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="+", db_column="course_id")
    allowlist = models.BooleanField(default=False)
    notes = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = "certificate allowlist entry"
        verbose_name_plural = "certificate allowlist"
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="allowlist_unique_per_run")]

    def __str__(self):
        return f"{self.user} {self.course_id} allowlist={self.allowlist}"


class CertificateInvalidation(TimeStampedModel):
    """A block on a certificate. Re-validation deactivates it; rows are never deleted."""

    generated_certificate = models.ForeignKey(
        GeneratedCertificate, on_delete=models.CASCADE, related_name="invalidations"
    )
    invalidated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(null=True, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.generated_certificate} active={self.active}"


class CertificateDateOverride(TimeStampedModel):
    """Changes the date printed on a certificate; never when it is visible (Open edX ADR 006)."""

    generated_certificate = models.OneToOneField(
        GeneratedCertificate, on_delete=models.CASCADE, related_name="date_override"
    )
    date = models.DateTimeField(help_text="The date to print. Set the time to midnight.")
    reason = models.TextField(help_text="Why the date is overridden.")
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.generated_certificate}: {self.date:%Y-%m-%d}"


class CertificateGenerationHistory(TimeStampedModel):
    """A course-wide generation or regeneration that someone started."""

    course = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="+", db_column="course_id")
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when an operator command started it.",
    )
    task_id = models.CharField(max_length=255, blank=True, default="")
    task_input = models.JSONField(default=dict, blank=True)
    is_regeneration = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "certificate generation history"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.course_id} {self.get_task_name()} by {self.generated_by}"

    def get_task_name(self) -> str:
        return "regenerated" if self.is_regeneration else "generated"

    def get_certificate_generation_candidates(self) -> str:
        """Who the run was for, in the words of the Open edX instructor dashboard."""
        statuses = self.task_input.get("statuses_to_regenerate") if self.task_input else None
        if statuses:
            return ", ".join(READABLE_STATUSES[s] for s in statuses if s in READABLE_STATUSES)
        if self.task_input and ("student_set" in self.task_input or "students" in self.task_input):
            return "Granted Exceptions"
        return "All Learners"


class CertificateGenerationCourseSetting(TimeStampedModel):
    """Per-course certificate settings; the newest row of a course wins (as Open edX)."""

    course_key = CourseKeyField(max_length=255, db_index=True, case_sensitive=True)
    self_generation_enabled = models.BooleanField(default=False)
    language_specific_templates_enabled = models.BooleanField(default=False)
    include_hours_of_effort = models.BooleanField(null=True, blank=True, default=None)

    class Meta:
        get_latest_by = "created"

    def __str__(self):
        return f"{self.course_key}"

    @classmethod
    def get(cls, course_key):
        return cls.objects.filter(course_key=course_key).order_by("-created", "-pk").first()


class CertificateGenerationConfiguration(ConfigurationModel):
    """Global switch for learner self-generated certificates."""


class CertificateHtmlViewConfiguration(ConfigurationModel):
    """Web-view configuration: JSON with a "default" section and one per mode (platform_name, logo_src,
    certificate_type, certificate_title...)."""

    configuration = models.TextField(help_text='JSON: {"default": {...}, "<mode>": {...}}')

    def clean(self):
        import json

        try:
            value = json.loads(self.configuration)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"configuration": f"Must be valid JSON: {exc}"}) from exc
        if not isinstance(value, dict):
            raise ValidationError({"configuration": "Must be a JSON object"})

    @classmethod
    def get_config(cls) -> dict:
        import json

        current = cls.current()
        if not current.enabled:
            return {}
        return json.loads(current.configuration)


class CertificateConfiguration(TimeStampedModel):
    """A run's certificate as the course team configured it (Open edX keeps this in the course in Studio)."""

    course = models.OneToOneField(
        CourseRun, on_delete=models.CASCADE, related_name="certificate_configuration", db_column="course_id"
    )
    title = models.CharField(max_length=255, blank=True, default="", help_text="Overrides the course title.")
    description = models.TextField(blank=True, default="")
    is_active = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.course_id}: {self.title or 'certificate'}"

    def clean(self):
        clean_plain_text_fields(self, "title")


class Signatory(TimeStampedModel):
    configuration = models.ForeignKey(
        CertificateConfiguration, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True, default="")
    organization = models.CharField(max_length=255, blank=True, default="")
    signature_image = models.ImageField(upload_to="signatures", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "signatories"
        ordering = ["configuration_id", "order", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        clean_plain_text_fields(self, "name", "title", "organization")


class CertificateTemplate(TimeStampedModel):
    """An operator's certificate template, chosen by organisation, course, mode and language."""

    name = models.CharField(max_length=255)
    description = models.CharField(max_length=255, null=True, blank=True)
    template = models.TextField(help_text="Django template HTML.")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, db_column="organization_id"
    )
    course_key = CourseKeyField(max_length=255, null=True, blank=True, db_index=True, case_sensitive=True)
    mode = models.CharField(
        max_length=125, choices=CourseModes.choices, default=CourseModes.HONOR, null=True, blank=True
    )
    is_active = models.BooleanField(default=False)
    language = models.CharField(max_length=2, null=True, blank=True, help_text="'' for all languages.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "course_key", "mode", "language"], name="certificatetemplate_unique"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        clean_plain_text_fields(self, "name", "description")


class TemplateVersionStates(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired", "Retired (was published)"


class CertificateTemplateVersion(models.Model):
    """One immutable text of a CertificateTemplate (ADR 0006). At most one version of a template is published:
    the one new certificates are issued with. Certificates keep the version they were issued with, so editing a
    template never changes them until they are reissued; publishing an older version is a rollback."""

    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="Django template HTML, rendered with only its context.")
    state = models.CharField(
        max_length=16, choices=TemplateVersionStates.choices, default=TemplateVersionStates.DRAFT
    )
    note = models.CharField(max_length=255, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["template_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="templateversion_unique_number"),
            # The cascade reads the one published version of a template.
            models.UniqueConstraint(
                fields=["template"], condition=Q(state="published"), name="templateversion_one_published"
            ),
            models.CheckConstraint(
                name="templateversion_state_valid", condition=Q(state__in=TemplateVersionStates.values)
            ),
        ]

    def __str__(self):
        return f"{self.template} v{self.number} ({self.state})"


def template_asset_path(instance, filename):
    return f"certificate_template_assets/{instance.pk}/{filename}"


class CertificateTemplateAsset(TimeStampedModel):
    description = models.CharField(max_length=255, null=True, blank=True)
    asset = models.FileField(max_length=255, upload_to=template_asset_path)
    asset_slug = models.SlugField(max_length=255, unique=True, null=True)

    def __str__(self):
        return self.asset_slug or str(self.asset)

    def save(self, *args, **kwargs):
        # The path uses the pk, so the first save stores the row without the file (as Open edX).
        if self.pk is None:
            pending, self.asset = self.asset, None
            super().save(*args, **kwargs)
            self.asset = pending
            kwargs.pop("force_insert", None)
        super().save(*args, **kwargs)


class _CommandConfiguration(ConfigurationModel):
    arguments = models.TextField(blank=True, default="", help_text="Command-line arguments, shell-quoted.")

    class Meta(ConfigurationModel.Meta):
        abstract = True

    def __str__(self):
        return f"{'enabled' if self.enabled else 'disabled'}: {self.arguments}"


class CertificateGenerationCommandConfiguration(_CommandConfiguration):
    """Arguments for `cert_generation --args-from-database`, e.g. "-u 12 13 -c course-v1:Org+C+R"."""


class ModifiedCertificateTemplateCommandConfiguration(_CommandConfiguration):
    """Arguments for `modify_cert_template --args-from-database`."""


class PurgeReferencestoPDFCertificatesCommandConfiguration(_CommandConfiguration):
    """Arguments for `purge_references_to_pdf_certificates --args-from-database`.
    Specify like '--certificate_ids <id1> <id2>'."""


class GenerationScopes(models.TextChoices):
    """Who a course-wide run is for (the Open edX instructor dashboard's choices)."""

    ALL = "all", "All learners without a certificate"
    ALLOWLIST = "allowlist", "Learners on the allowlist"
    ALLOWLIST_NOT_GENERATED = "allowlist_not_generated", "Allowlisted learners without a passing certificate"
    LEARNERS = "learners", "Named learners"
    STATUSES = "statuses", "Learners whose certificate has one of the given statuses (regeneration)"


class JobStates(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class CertificateGenerationJob(TimeStampedModel):
    """A course-wide generation: the learners it covers are cut into chunks that workers take in parallel.

    At most one job of a course is unfinished at a time: starting another joins it (the course row is locked
    while a job is created). Progress is `done` out of `total` learners; `result` counts outcomes and reasons.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="+", db_column="course_id")
    scope = models.CharField(max_length=32, choices=GenerationScopes.choices)
    task_input = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=16, choices=JobStates.choices, default=JobStates.PENDING, db_index=True
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = models.OneToOneField(
        CertificateGenerationHistory, on_delete=models.SET_NULL, null=True, blank=True, related_name="job"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            # "the unfinished job of this course" (course_generation_start joins it).
            models.Index(fields=["course", "state"], name="certjob_course_state_idx"),
        ]

    def __str__(self):
        return f"{self.course_id} {self.scope} {self.state} {self.done}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobStates.SUCCEEDED, JobStates.FAILED)


class CertificateGenerationChunk(models.Model):
    """A slice of a job's learners. A worker claims it with a conditional update, writes its certificates and
    marks it done in one transaction, so a killed worker leaves it claimed but unwritten, to be claimed again
    when its lease has expired."""

    job = models.ForeignKey(CertificateGenerationJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    user_ids = models.JSONField()
    state = models.CharField(max_length=16, choices=JobStates.choices, default=JobStates.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["job_id", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="certchunk_unique_index")]

    def __str__(self):
        return f"{self.job_id}#{self.index} {self.state}"


class NameCorrectionStatuses(models.TextChoices):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class NameCorrectionRequest(TimeStampedModel):
    """A learner's request to print another name on an issued certificate (ADR 0024). At most one is pending per
    certificate; the course team (the run's instructors) or global staff approve or refuse it with a note, and
    approval reissues the certificate with the requested name (services.name_correction).

    pending --approve--> approved        pending --refuse--> refused
    """

    certificate = models.ForeignKey(
        GeneratedCertificate, on_delete=models.CASCADE, related_name="name_corrections"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="learner"
    )
    current_name = models.CharField(
        max_length=255, blank=True, help_text="The name printed when it was asked."
    )
    requested_name = models.CharField(max_length=255)
    reason = models.TextField(blank=True, default="")
    channel = models.CharField(max_length=16, help_text="How it was asked: api or link.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who sent it: the learner, or the platform acting for them.",
    )
    status = models.CharField(
        max_length=16, choices=NameCorrectionStatuses.choices, default=NameCorrectionStatuses.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="", help_text="The decision's note, shown to the learner.")

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="namecorrection_status_valid", condition=Q(status__in=NameCorrectionStatuses.values)
            ),
            # one open request per certificate: a second one while it waits is refused (name_correction_request)
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(status="pending"), name="namecorrection_one_pending"
            ),
            models.CheckConstraint(
                name="namecorrection_decided_when_closed",
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
            ),
        ]
        indexes = [
            # the course team's queue: a run's pending requests (api/v1/name_corrections.py, the admin filter)
            models.Index(fields=["status", "created"], name="namecorrection_status_idx"),
        ]

    def __str__(self):
        return f"{self.certificate_id}: {self.requested_name!r} ({self.status})"

    def clean(self):
        clean_plain_text_fields(self, "requested_name")


class CertificateExpiryNotice(models.Model):
    """A learner owed (or sent) the notice that their certificate expires soon: one per certificate and expiry
    date, so the periodic task (services.expiry.expiry_notices_record) records and hands over each notice once."""

    certificate = models.ForeignKey(
        GeneratedCertificate, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    expires_date = models.DateTimeField()
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email was handed to the notifications app; empty: owed."
    )

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "expires_date"], name="expirynotice_once"),
        ]

    def __str__(self):
        return f"{self.certificate_id} expires {self.expires_date:%Y-%m-%d}"


class CertificateRenderData(models.Model):
    """What a certificate's page needs that is costly to compute and fixed once drawn, stored with the certificate
    (issue 20): the QR codes of its URLs (by URL, so a change of SITE_URL draws them again) and its page as last
    rendered, with the digest of everything that page was rendered from (rendering.stored). A page is served
    from here only while that digest is unchanged; anything else renders it again. Filled by the page's first
    render and by the render_certificate_pages command; no row is the same as an empty one."""

    certificate = models.OneToOneField(
        GeneratedCertificate, on_delete=models.CASCADE, primary_key=True, related_name="render_data"
    )
    qr_codes = models.JSONField(default=dict, blank=True, help_text="SVG QR codes by the URL they encode.")
    page_language = models.CharField(max_length=16, blank=True, default="")
    page_digest = models.CharField(max_length=64, blank=True, default="")
    page_html = models.TextField(blank=True, default="")
    modified = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"render data of {self.certificate_id}"
