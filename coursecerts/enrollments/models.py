from django.conf import settings
from django.db import models
from django.db.models import Q

from coursecerts.common.models import TimeStampedModel
from coursecerts.courses.models import CourseModes, CourseRun


class CourseEnrollment(TimeStampedModel):
    """A learner's enrollment in a run (Open edX student.CourseEnrollment). An inactive enrollment still
    counts for certificates: its mode is what eligibility reads."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(
        CourseRun, on_delete=models.CASCADE, related_name="enrollments", db_column="course_id"
    )
    mode = models.CharField(max_length=100, choices=CourseModes.choices, default=CourseModes.AUDIT)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["course_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique_per_run"),
            models.CheckConstraint(name="enrollment_mode_valid", condition=Q(mode__in=CourseModes.values)),
        ]
        indexes = [
            # A chunk of a course-wide run reads a run's rows for a range of user ids
            # (selectors.course_learner_facts): course = X AND user_id BETWEEN a AND b. Without it SQLite reads every
            # row of the run for each chunk (the course_id index), and a run's cost grows with the square of its size.
            models.Index(fields=["course", "user"], name="enrollment_course_user_idx"),
        ]

    def __str__(self):
        return f"{self.user} in {self.course_id} ({self.mode})"
