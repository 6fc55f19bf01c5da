"""Celery tasks of bulk data in: thin wrappers that load by id and call one service."""

from __future__ import annotations

from celery import shared_task

from coursecerts.certificates.services.bulk_generation import learners_generate_in_chunks
from coursecerts.courses.models import CourseRun


@shared_task(acks_late=True)
def generate_certificates_for_learners(*, course_key: str, user_ids: list[int], source: str) -> dict:
    """Generate for these learners of a run, set-based: chunk by chunk, decided by the same rules as the
    per-learner path and written in bulk. Returns the count of each outcome. Imports no longer queue it (they
    record the generation they owe in the outbox, coursecerts.certificates.outbox); it stays for the messages
    an earlier version left in a broker."""
    course_run = CourseRun.objects.filter(pk=course_key).first()
    if course_run is None:
        return {}
    tally = learners_generate_in_chunks(course_run=course_run, user_ids=sorted(user_ids), source=source)
    return dict(tally.outcomes)
