"""Celery tasks: thin wrappers that load by id and call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.certificates.services.bulk_generation import learners_generate_in_chunks
from coursecerts.courses.models import CourseRun

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=2, default_retry_delay=30, acks_late=True)
def generate_certificate(
    self,
    *,
    user_id: int,
    course_key: str,
    source: str,
    generation_mode: str = "batch",
    actor_id: int | None = None,
) -> str:
    """Decide and write one learner's certificate. Returns the resulting outcome (a status or no_certificate).
    The triggers no longer queue it (they record the generation owed in the outbox: certificates.outbox); it
    stays for the messages an earlier version left in a broker."""
    User = get_user_model()
    user = User.objects.filter(pk=user_id).first()
    course_run = CourseRun.objects.filter(pk=course_key).first()
    if user is None or course_run is None:
        log.warning("generate_certificate: user %s or course %s no longer exists", user_id, course_key)
        return "no_certificate"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    decision = certificate_generation_attempt(
        user=user, course_run=course_run, source=source, actor=actor, generation_mode=generation_mode
    )
    return decision.outcome


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3, default_retry_delay=10)
def generate_certificates_chunk(self, *, chunk_id: int) -> dict | None:
    """Write one chunk of a course-wide generation. A redelivered or duplicate message finds the chunk done
    or claimed and does nothing. A chunk that fails (its transaction rolled back) is retried after 10 s, three
    times; then the job is marked failed once its other chunks are done."""
    from coursecerts.certificates.services.generation_jobs import chunk_run

    will_retry = self.request.retries < self.max_retries
    try:
        return chunk_run(chunk_id=chunk_id, will_retry=will_retry)
    except Exception as exc:
        if not will_retry:  # chunk_run has given the chunk up
            raise
        if self.request.is_eager:  # no worker: Celery's eager retry would raise Retry; try again here
            return self.apply(kwargs={"chunk_id": chunk_id}, retries=self.request.retries + 1).get()
        raise self.retry(exc=exc) from exc


@shared_task
def recover_generation_jobs() -> int:
    """Queue again the chunks of course-wide runs whose workers died or whose messages were lost (celery beat
    runs this every CERTIFICATE_GENERATION_LEASE_SECONDS; see CELERY_BEAT_SCHEDULE). Returns how many."""
    from coursecerts.certificates.services.generation_jobs import generation_jobs_recover

    return generation_jobs_recover()


@shared_task
def modify_cert_template(*, old_text: str, new_text: str, template_ids: list[int], dry_run: bool) -> dict:
    """Replace the first occurrence of old_text in each template (the modify_cert_template command). Returns
    the summary as a dict: changed, not_found, missing (template ids) and, in a dry run, diffs."""
    from dataclasses import asdict

    from coursecerts.certificates.services import certificate_templates_modify

    result = certificate_templates_modify(
        old_text=old_text, new_text=new_text, template_ids=template_ids, dry_run=dry_run
    )
    return asdict(result)


# Its name is the one it had in coursecerts.enrollments.tasks, so that messages already in a broker still run.
@shared_task(name="coursecerts.enrollments.tasks.generate_certificates_for_learners", acks_late=True)
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


@shared_task
def record_expiry_notices() -> dict:
    """Record the expiry notices owed (certificates expiring within CERTIFICATE_EXPIRY_NOTICE_WEEKS) and hand them
    to the notifications app, each once (celery beat runs this every CERTIFICATE_EXPIRY_NOTICE_INTERVAL_SECONDS;
    ADR 0025). Returns the counts: recorded, handed_over, owed."""
    from coursecerts.certificates.services.expiry import expiry_notices_run

    return expiry_notices_run().as_dict()
