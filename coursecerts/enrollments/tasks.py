"""Celery tasks of bulk data in: thin wrappers that load by id and call one service."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.courses.models import CourseRun


@shared_task(acks_late=True)
def generate_certificates_for_learners(*, course_key: str, user_ids: list[int], source: str) -> dict:
    """Attempt generation for these learners of a run (what a bulk import's triggers queue). One learner at a
    time through the per-learner service; issue 5's set-based generation can take this over. Returns the
    count of each outcome."""
    course_run = CourseRun.objects.filter(pk=course_key).first()
    outcomes: dict[str, int] = {}
    if course_run is None:
        return outcomes
    for user in get_user_model().objects.filter(pk__in=user_ids).order_by("pk"):
        decision = certificate_generation_attempt(user=user, course_run=course_run, source=source)
        outcomes[decision.outcome] = outcomes.get(decision.outcome, 0) + 1
    return outcomes
