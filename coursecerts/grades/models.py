from django.conf import settings
from django.db import models
from django.db.models import Q

from coursecerts.common.models import TimeStampedModel
from coursecerts.courses.models import CourseRun


class PersistentCourseGrade(TimeStampedModel):
    """A learner's course grade as the platform computed it (Open edX grades.PersistentCourseGrade):
    percent between 0 and 1, and whether it passes. coursecerts never computes grades."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_grades")
    course = models.ForeignKey(
        CourseRun, on_delete=models.CASCADE, related_name="grades", db_column="course_id"
    )
    percent_grade = models.FloatField()
    passed = models.BooleanField(default=False)
    letter_grade = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "course grade"
        ordering = ["course_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="grade_unique_per_run"),
            models.CheckConstraint(
                name="grade_percent_between_0_and_1", condition=Q(percent_grade__gte=0, percent_grade__lte=1)
            ),
        ]
        indexes = [
            # A chunk of a course-wide run reads a run's rows for a range of user ids
            # (selectors.course_learner_facts): course = X AND user_id BETWEEN a AND b. Without it SQLite reads every
            # row of the run for each chunk (the course_id index), and a run's cost grows with the square of its size.
            models.Index(fields=["course", "user"], name="grade_course_user_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.course_id} {self.percent_grade:.2f} ({'pass' if self.passed else 'fail'})"
