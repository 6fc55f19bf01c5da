"""The job and chunk lifecycle of a course-wide generation (ADR 0007).

A run starts (course_generation_start): the learners it covers (generation_selectors.candidate_id_chunks) are
stored as chunks, and a task is queued for each (generate_certificates_chunk). A worker claims a chunk, writes it
with the set-based writer (services.bulk_generation.learners_generate) in one transaction that also marks the
chunk done, and the job settles when no chunk is left pending or running. chunk_run is what a worker and the
generate_course_certificates command both do with a chunk.

A chunk is claimed and written under a lease that a heartbeat renews (services.generation_leases). Whoever
follows a run (the command, the periodic recover_generation_jobs task) queues again the chunks whose lease
expired, and every pending chunk of a run on which nothing has moved for a lease (see course_generation_recover).
Starting a run for a course that has one unfinished joins it and dispatches its chunks again: that is how an
interrupted run is resumed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from coursecerts.certificates.generation_selectors import (
    Tally,
    candidate_id_chunks,
    job_get_unfinished,
    validate_request,
)
from coursecerts.certificates.models import (
    CertificateGenerationChunk,
    CertificateGenerationHistory,
    CertificateGenerationJob,
    GenerationScopes,
    JobStates,
)
from coursecerts.certificates.services import generation_leases as leases
from coursecerts.certificates.services.bulk_generation import learners_generate
from coursecerts.common.iterables import chunked
from coursecerts.courses.models import CourseRun

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)


@transaction.atomic
def course_generation_start(
    *,
    course_run: CourseRun,
    scope: str,
    usernames: list[str] | None = None,
    statuses: list[str] | None = None,
    requested_by: User | None = None,
    dispatch: bool = True,
) -> tuple[CertificateGenerationJob, bool]:
    """Start a course-wide run, or join the course's unfinished one (and dispatch its chunks again).
    Returns (job, created). The course row is locked meanwhile, so two starts at once make one job."""
    validate_request(scope=scope, usernames=usernames, statuses=statuses)
    CourseRun.objects.select_for_update().filter(pk=course_run.pk).first()
    job = job_get_unfinished(course_run)
    if job is not None:
        if job.state == JobStates.FAILED:
            CertificateGenerationJob.objects.filter(pk=job.pk).update(
                state=JobStates.RUNNING, finished_at=None, result={}
            )
            job.refresh_from_db()
        if dispatch:
            _dispatch_on_commit(job)
        return job, False
    task_input = _task_input(scope, usernames, statuses)
    history = CertificateGenerationHistory.objects.create(
        course=course_run,
        generated_by=requested_by,
        task_input=task_input,
        is_regeneration=scope == GenerationScopes.STATUSES,
    )
    job = CertificateGenerationJob.objects.create(
        course=course_run, scope=scope, task_input=task_input, total=0, requested_by=requested_by,
        history=history,
    )  # fmt: skip
    history.task_id = str(job.pk)
    history.save(update_fields=["task_id"])
    job.total = _chunks_create(
        job, candidate_id_chunks(course_run=course_run, scope=scope, usernames=usernames, statuses=statuses)
    )
    job.save(update_fields=["total"])
    if not job.total:
        _finish(job)
    elif dispatch:
        _dispatch_on_commit(job)
    log.info("generation job %s for %s: %s learners in %s", job.pk, course_run.id, job.total, scope)
    return job, True


def _chunks_create(job: CertificateGenerationJob, id_chunks: Iterable[list[int]]) -> int:
    """Store a job's chunks as the ids stream in, 50 chunks an insert. Returns how many learners they hold."""
    total = 0
    for batch in chunked(enumerate(id_chunks), 50):
        CertificateGenerationChunk.objects.bulk_create(
            CertificateGenerationChunk(job=job, index=index, user_ids=ids) for index, ids in batch
        )
        total += sum(len(ids) for _, ids in batch)
    return total


def _task_input(scope, usernames, statuses) -> dict:
    """What the run was for, in the shape CertificateGenerationHistory reads (Open edX task input)."""
    if scope == GenerationScopes.STATUSES:
        return {"statuses_to_regenerate": list(statuses)}
    if scope in (GenerationScopes.ALLOWLIST, GenerationScopes.ALLOWLIST_NOT_GENERATED):
        return {"student_set": "all_allowlisted" if scope == GenerationScopes.ALLOWLIST else scope}
    if scope == GenerationScopes.LEARNERS:
        return {"students": sorted(usernames)}
    return {}


def _dispatch_on_commit(job: CertificateGenerationJob) -> None:
    """Robust: with eager Celery (no broker) the chunks run in the callback, and a chunk's failure is recorded
    on the job (see _settle) and logged rather than raised into the request or command that started it."""
    transaction.on_commit(lambda: course_generation_dispatch(job), robust=True)


def course_generation_dispatch(job: CertificateGenerationJob) -> int:
    """Queue a task for every chunk that is pending, failed, or whose lease has expired. Returns how many."""
    return _dispatch(job, job.chunks.filter(leases.claimable()))


def course_generation_recover(job: CertificateGenerationJob) -> int:
    """Queue again what a run has lost. Returns how many chunks were queued.

    - A chunk whose lease expired (its worker died: no heartbeat for a lease) is queued at once.
    - When nothing has moved on the run for a lease (no chunk dispatched, claimed, renewed or finished), its
      pending chunks are queued too: their messages were lost (a worker killed before it claimed its chunk, a
      broker restarted without persistence) or every worker is gone.

    A message queued twice is harmless: the second finds the chunk claimed or done. Failed chunks are left to
    their task's retries and to a new start of the run (course_generation_start)."""
    lost = leases.expired() | Q(state=JobStates.PENDING) if _stalled(job) else leases.expired()
    return _dispatch(job, job.chunks.filter(lost))


def generation_jobs_recover() -> int:
    """course_generation_recover for every run that is pending or running (the periodic task). Returns how many
    chunks were queued again."""
    jobs = CertificateGenerationJob.objects.filter(state__in=[JobStates.PENDING, JobStates.RUNNING])
    return sum(course_generation_recover(job) for job in jobs.order_by("created"))


def _dispatch(job: CertificateGenerationJob, chunks: QuerySet) -> int:
    """Queue a task for each of `chunks`, and mark the run as moved now (its `modified`, see _stalled)."""
    from coursecerts.certificates.tasks import generate_certificates_chunk

    chunk_ids = list(chunks.order_by("index").values_list("pk", flat=True))
    if not chunk_ids:
        return 0
    CertificateGenerationJob.objects.filter(pk=job.pk).update(modified=timezone.now())
    for chunk_id in chunk_ids:
        generate_certificates_chunk.apply_async(kwargs={"chunk_id": chunk_id})
    log.info("generation job %s: %s chunk(s) queued", job.pk, len(chunk_ids))
    return len(chunk_ids)


def _stalled(job: CertificateGenerationJob) -> bool:
    """Nothing has moved on the run for a lease: no chunk dispatched or finished (the job's `modified`), none
    claimed or renewed by a heartbeat (the chunks' claimed_at)."""
    moved = job.chunks.aggregate(last=Max("claimed_at"))["last"]
    modified = CertificateGenerationJob.objects.filter(pk=job.pk).values_list("modified", flat=True).first()
    last = max(filter(None, (moved, modified)), default=None)
    return last is None or last < leases.lease_start()


def chunk_run(*, chunk_id: int, will_retry: bool = False) -> dict | None:
    """Run one chunk (chunk_process) and, when it fails and no retry follows, give it up (chunk_give_up: the
    run settles without it) before raising the error. The generate_certificates_chunk task (which retries
    three times) and the generate_course_certificates command (eager Celery: no retry) both run chunks here."""
    try:
        return chunk_process(chunk_id=chunk_id, will_retry=will_retry)
    except Exception:
        if not will_retry:
            chunk_give_up(chunk_id=chunk_id)
        raise


def chunk_process(*, chunk_id: int, will_retry: bool = False) -> dict | None:
    """Claim a chunk and write it, renewing the claim from a heartbeat thread meanwhile. Returns its tally, or
    None when another worker has it or it is done (or took it over). When the write fails, the chunk is left
    failed with the error, or pending when its task will try it again (so that the job does not settle without
    it)."""
    claimable = CertificateGenerationChunk.objects.filter(leases.claimable(), pk=chunk_id)
    if not claimable.update(state=JobStates.RUNNING, claimed_at=timezone.now(), attempts=F("attempts") + 1):
        return None
    chunk = CertificateGenerationChunk.objects.select_related(
        "job__course__organization", "job__requested_by"
    ).get(pk=chunk_id)
    CertificateGenerationJob.objects.filter(pk=chunk.job_id, state=JobStates.PENDING).update(
        state=JobStates.RUNNING
    )
    try:
        with gc_paused(), leases.chunk_lease_kept(chunk_id=chunk_id, attempt=chunk.attempts):
            return _chunk_write(chunk)
    except leases.LeaseLost:
        log.warning("chunk %s was taken over by another worker: its writes here are rolled back", chunk_id)
        return None
    except Exception as exc:
        leases.chunk_claim(chunk_id, chunk.attempts).update(
            state=JobStates.PENDING if will_retry else JobStates.FAILED,
            result={"error": f"{type(exc).__name__}: {exc}"[:1000]},
        )
        raise


@transaction.atomic
def chunk_give_up(*, chunk_id: int) -> None:
    """A failed chunk will not be retried any more (its task has used its retries, or the command stopped):
    the job settles when no other chunk is pending or running (see _settle)."""
    job_id = CertificateGenerationChunk.objects.filter(pk=chunk_id).values_list("job_id", flat=True).first()
    if job_id is None:
        return
    job = CertificateGenerationJob.objects.select_for_update().filter(pk=job_id).first()
    if job is not None:
        _settle(job)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a chunk is decided and written. A chunk allocates some
    hundred thousand short-lived objects (facts, decisions, rows), freed by reference counting, and each
    allocation burst set off collections that walked every live object of the process: 10 to 15% of a chunk's
    time (bench/generate.py). A chunk's memory is bounded; any cycle it leaves is collected once it is on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@transaction.atomic
def _chunk_write(chunk: CertificateGenerationChunk) -> dict:
    job = chunk.job
    source = "course_regeneration" if job.scope == GenerationScopes.STATUSES else "course_generation"
    tally = learners_generate(
        course_run=job.course, user_ids=chunk.user_ids, source=source, actor=job.requested_by
    )
    # Learners named in the chunk but no longer enrolled count as decided, with nothing written.
    tally.outcomes["no_certificate"] += len(chunk.user_ids) - sum(tally.outcomes.values())
    chunk.state, chunk.result = JobStates.SUCCEEDED, tally.as_dict()
    if not leases.chunk_claim(chunk.pk, chunk.attempts).update(state=chunk.state, result=chunk.result):
        raise leases.LeaseLost(chunk.pk)
    locked = CertificateGenerationJob.objects.select_for_update().get(pk=job.pk)
    locked.done = F("done") + len(chunk.user_ids)
    locked.save(update_fields=["done", "modified"])
    _settle(locked)
    return chunk.result


def _settle(job: CertificateGenerationJob) -> None:
    """With the job locked: once no chunk is pending or running, the job has succeeded, or failed when a chunk
    gave up (the result then holds what the other chunks did and the first error; starting the course's
    generation again joins the job and retries the failed chunks)."""
    states = set(job.chunks.values_list("state", flat=True).distinct())
    if states & {JobStates.PENDING, JobStates.RUNNING}:
        return
    if JobStates.FAILED not in states:
        _finish(job)
        return
    failed = job.chunks.filter(state=JobStates.FAILED).order_by("index")
    first = failed.values_list("index", "result").first()
    assert first is not None  # FAILED is among the states
    index, result = first
    error = f"{failed.count()} chunk(s) failed; chunk {index}: {result.get('error', 'unknown error')}"
    tally = _tally(job.chunks.filter(state=JobStates.SUCCEEDED))
    CertificateGenerationJob.objects.filter(pk=job.pk).update(
        state=JobStates.FAILED, result={**tally.as_dict(), "error": error}, finished_at=timezone.now()
    )
    log.error("generation job %s failed: %s", job.pk, error)


def _tally(chunks: QuerySet) -> Tally:
    tally = Tally()
    for result in chunks.values_list("result", flat=True):
        tally.add(result)
    return tally


def _finish(job: CertificateGenerationJob) -> None:
    tally = _tally(job.chunks.all())
    CertificateGenerationJob.objects.filter(pk=job.pk).update(
        state=JobStates.SUCCEEDED, result=tally.as_dict(), finished_at=timezone.now(), done=job.total
    )
    log.info("generation job %s finished: %s", job.pk, tally.as_dict())
