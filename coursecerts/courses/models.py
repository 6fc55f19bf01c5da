"""Organisations, course runs, their modes, and course roles: the facts the platform feeds us about courses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from opaque_keys.edx.django.models import CourseKeyField

from coursecerts.common.models import TimeStampedModel
from coursecerts.common.validators import clean_plain_text_fields


class Organization(TimeStampedModel):
    """An organisation that offers courses (Open edX organizations app)."""

    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=255, unique=True, help_text="As in course keys, e.g. 'MITx'.")
    description = models.TextField(blank=True, default="")
    logo = models.ImageField(upload_to="organization_logos", blank=True)
    active = models.BooleanField(default=True)
    certificate_validity_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How long its certificates stay valid, in days, unless a run says otherwise; empty: forever.",
    )

    def __str__(self):
        return f"{self.name} ({self.short_name})"

    def clean(self):
        clean_plain_text_fields(self, "name", "short_name")


class CertificatesDisplayBehaviors(models.TextChoices):
    """When learners of an instructor-paced run see their certificate (Open edX ADR 005)."""

    END = "end", "At the end of the course"
    END_WITH_DATE = "end_with_date", "On the certificate available date"
    EARLY_NO_INFO = "early_no_info", "Immediately upon passing"


class CourseRun(TimeStampedModel):
    """A course run, keyed by its Open edX course key (the primary key, as Open edX's CourseOverview.id).

    Display settings are one validated model instead of Open edX's three overlapping flags: an available date
    exists exactly when the behaviour is `end_with_date`, and never on a self-paced run (ADR 0003).
    """

    id = CourseKeyField(primary_key=True, max_length=255, case_sensitive=True, verbose_name="course key")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="course_runs")
    display_name = models.CharField(max_length=255)
    self_paced = models.BooleanField(default=False)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    certificates_display_behavior = models.CharField(
        max_length=32, choices=CertificatesDisplayBehaviors.choices, default=CertificatesDisplayBehaviors.END
    )
    certificate_available_date = models.DateTimeField(null=True, blank=True)
    cert_html_view_enabled = models.BooleanField(
        default=True, verbose_name="web certificates enabled", help_text="Open edX cert_html_view_enabled."
    )
    language = models.CharField(
        max_length=16, blank=True, default="", help_text="Content language, e.g. 'en'."
    )
    certificate_validity_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How long its certificates stay valid, in days; 0: forever; empty: the organisation's period.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="courserun_start_before_end",
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=models.F("end")),
                violation_error_message="The course start must not be after its end.",
            ),
            models.CheckConstraint(
                name="courserun_display_behavior_valid",
                condition=Q(certificates_display_behavior__in=CertificatesDisplayBehaviors.values),
            ),
            # An available date exactly when the behaviour asks for one, and never on a self-paced run.
            models.CheckConstraint(
                name="courserun_available_date_rules",
                condition=(
                    Q(certificates_display_behavior="end_with_date", certificate_available_date__isnull=False)
                    & Q(self_paced=False)
                )
                | (
                    ~Q(certificates_display_behavior="end_with_date")
                    & Q(certificate_available_date__isnull=True)
                ),
                violation_error_message=(
                    "certificate_available_date is required with certificates_display_behavior 'end_with_date' "
                    "and allowed with no other behaviour; self-paced runs have none."
                ),
            ),
        ]

    def __str__(self):
        return str(self.id)

    def clean(self):
        clean_plain_text_fields(self, "display_name")

    @property
    def course_key(self):
        return self.id

    @property
    def is_ccx(self) -> bool:
        # CCX keys (ccx-v1:...) parse only when the ccx-keys plugin is installed; coursecerts does not install
        # it, so they are rejected as malformed. The rule stays for deployments that add the plugin.
        return str(self.id).startswith("ccx-")

    @property
    def instructor_paced(self) -> bool:
        return not self.self_paced


class CourseModes(models.TextChoices):
    """Enrollment modes (Open edX course_modes)."""

    AUDIT = "audit"
    HONOR = "honor"
    VERIFIED = "verified"
    PROFESSIONAL = "professional"
    NO_ID_PROFESSIONAL = "no-id-professional", "No-ID Professional"
    CREDIT = "credit"
    MASTERS = "masters"
    EXECUTIVE_EDUCATION = "executive-education", "Executive Education"
    PAID_EXECUTIVE_EDUCATION = "paid-executive-education", "Paid Executive Education"
    UNPAID_EXECUTIVE_EDUCATION = "unpaid-executive-education", "Unpaid Executive Education"
    PAID_BOOTCAMP = "paid-bootcamp", "Paid Bootcamp"
    UNPAID_BOOTCAMP = "unpaid-bootcamp", "Unpaid Bootcamp"


# Modes that do not need an ID verification even when the requirement is on (Open edX NON_VERIFIED_MODES).
NON_VERIFIED_MODES = frozenset({CourseModes.HONOR, CourseModes.AUDIT, CourseModes.NO_ID_PROFESSIONAL})


class CourseMode(TimeStampedModel):
    """A mode a run offers. Eligibility depends on the learner's enrollment mode, not on this list."""

    course = models.ForeignKey(
        CourseRun, on_delete=models.CASCADE, related_name="modes", db_column="course_id"
    )
    mode_slug = models.CharField(max_length=100, choices=CourseModes.choices)
    mode_display_name = models.CharField(max_length=255, blank=True, default="")
    expiration_datetime = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course_id", "mode_slug"]
        constraints = [
            models.UniqueConstraint(fields=["course", "mode_slug"], name="coursemode_unique_per_run"),
            models.CheckConstraint(
                name="coursemode_slug_valid", condition=Q(mode_slug__in=CourseModes.values)
            ),
        ]

    def __str__(self):
        return f"{self.course_id} {self.mode_slug}"

    def clean(self):
        clean_plain_text_fields(self, "mode_display_name")


class CourseRoles(models.TextChoices):
    STAFF = "staff"
    INSTRUCTOR = "instructor"
    BETA_TESTER = "beta_tester", "Beta tester"


class CourseAccessRole(TimeStampedModel):
    """A person's one role in a run: course staff, instructor, or beta tester (Open edX student.CourseAccessRole).

    Open edX allows several rows per person and run; here one is a constraint, since the roles nest rather than
    add up: an instructor has every right course staff has (api/permissions.py), and beta tester marks a learner,
    not a team member. Global staff is the user's is_staff, not a role row. Changing a role updates the row, so a
    promotion racing a demotion cannot leave both in place (ADR 0009)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_roles")
    course = models.ForeignKey(
        CourseRun, on_delete=models.CASCADE, related_name="roles", db_column="course_id"
    )
    role = models.CharField(max_length=64, choices=CourseRoles.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                name="courseaccessrole_one_per_run",
                violation_error_message="A person has one role per course run.",
            ),
            models.CheckConstraint(
                name="courseaccessrole_role_valid", condition=Q(role__in=CourseRoles.values)
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.role} {self.course_id}"
