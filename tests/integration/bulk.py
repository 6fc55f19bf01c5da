"""Large courses for tests that need volume: learners loaded with bulk inserts (no triggers)."""

import random

from django.contrib.auth import get_user_model

from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile


def bulk_learners(course, count: int, *, seed: int = 7) -> None:
    rng = random.Random(seed)
    User = get_user_model()
    prefix = str(course.id).split("+")[1]
    users = User.objects.bulk_create(
        (User(username=f"{prefix}-{i:07d}") for i in range(count)), batch_size=5000
    )
    LearnerProfile.objects.bulk_create((LearnerProfile(user=u, name=f"Learner {i}") for i, u in enumerate(users)),
                                       batch_size=5000)  # fmt: skip
    modes = ["audit", "honor", "verified", "verified", "professional"]
    CourseEnrollment.objects.bulk_create((CourseEnrollment(user=u, course=course, mode=rng.choice(modes))
                                          for u in users), batch_size=5000)  # fmt: skip
    grades = []
    for user in users:
        percent = min(max(rng.gauss(0.7, 0.15), 0.0), 1.0)
        grades.append(
            PersistentCourseGrade(user=user, course=course, percent_grade=percent, passed=percent >= 0.6)
        )
    PersistentCourseGrade.objects.bulk_create(grades, batch_size=5000)
