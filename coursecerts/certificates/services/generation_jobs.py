"""Course-wide generation, set-based (issue 5).

The learners a run covers are cut into chunks. For each chunk the facts of every learner are read in a fixed
number of queries (selectors.course_learner_facts), each learner is decided by the same pure function as the
per-learner path (eligibility.decide), and the certificates and their history are written in bulk, in one
transaction that also marks the chunk done. Events go out after commit, in one batch per chunk.

A chunk is claimed with a conditional update (pending, or running with an expired lease -> running), so two
workers never write the same chunk at once. While a worker writes a chunk, a thread renews its lease (claimed_at)
every quarter lease (the heartbeat), so a live slow chunk is never taken over; a worker killed mid-chunk leaves
its transaction rolled back and the chunk claimed, to be taken again once its last heartbeat is a lease old. A
chunk's claim is numbered (attempts): the write marks the chunk done only under its own claim, so a worker that
lost its lease rolls back rather than write the chunk a second time. Whoever follows a run (the command, the
periodic recover_generation_jobs task) queues again the chunks whose lease expired, and every pending chunk of a
run on which nothing has moved for a lease (see course_generation_recover). Starting a run for a course that has
one unfinished joins it and dispatches its chunks again: that is how an interrupted run is resumed. ADR 0007.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from coursecerts.certificates import selectors
from coursecerts.certificates.eligibility import Action, Policy, decide
from coursecerts.certificates.events import certificates_changed_on_commit
from coursecerts.certificates.models import (
    PASSED_STATUSES,
    CertificateAllowlist,
    CertificateGenerationChunk,
    CertificateGenerationHistory,
    CertificateGenerationJob,
    CertificateHistory,
    CertificateStatuses,
    GeneratedCertificate,
    GenerationScopes,
    JobStates,
)
from coursecerts.certificates.services.generation import (
    _snapshot,
    apply_generate,
    apply_revoke,
    course_title,
    format_grade,
)
from coursecerts.certificates.services.pdf import (
    certificate_pdfs_delete_on_commit,
    certificate_pdfs_render_on_commit,
)
from coursecerts.certificates.web.cascade import published_versions_for_course
from coursecerts.common.errors import ApplicationError
from coursecerts.courses.models import CourseModes, CourseRun
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.learners.models import LearnerProfile

log = logging.getLogger(__name__)

# The statuses a course team may regenerate by (Open edX start_certificate_regeneration).
REGENERATION_STATUSES = (
    CertificateStatuses.DOWNLOADABLE,
    CertificateStatuses.ERROR,
    CertificateStatuses.NOTPASSING,
    CertificateStatuses.AUDIT_PASSING,
    CertificateStatuses.AUDIT_NOTPASSING,
)
_CERTIFICATE_FIELDS = [
    "status", "mode", "grade", "name", "download_url", "download_uuid", "key", "error_reason",
    "issued_date", "course_title", "modified_date", "template_version",
]  # fmt: skip


# What a run's learner count counts, by scope (said with the count, so it is not read as "enrolled learners").
SCOPE_COUNTS = {
    GenerationScopes.ALL: "enrolled learners without a certificate",
    GenerationScopes.ALLOWLIST: "allowlisted learners",
    GenerationScopes.ALLOWLIST_NOT_GENERATED: "allowlisted learners without a passing certificate",
    GenerationScopes.LEARNERS: "named learners",
    GenerationScopes.STATUSES: "learners whose certificate has one of the statuses",
}


class GenerationRequestError(ApplicationError):
    pass


@dataclass
class Tally:
    """Outcomes (resulting status or no_certificate) and, for learners who did not earn one, the reasons."""

    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    changed: int = 0

    def count(self, decision) -> None:
        self.outcomes[decision.outcome] += 1
        if not decision.eligible:
            self.reasons[decision.reason.value] += 1

    def add(self, other: dict) -> None:
        self.outcomes.update(other.get("outcomes", {}))
        self.reasons.update(other.get("reasons", {}))
        self.changed += other.get("changed", 0)

    def as_dict(self) -> dict:
        return {"outcomes": dict(self.outcomes), "reasons": dict(self.reasons), "changed": self.changed}


# --- who a run covers -------------------------------------------------------------------------------------


def validate_request(*, scope: str, usernames=None, statuses=None) -> None:
    if scope not in GenerationScopes.values:
        raise GenerationRequestError(
            f"Unknown scope {scope!r}; use one of: {', '.join(GenerationScopes.values)}"
        )
    if scope == GenerationScopes.STATUSES:
        bad = [s for s in statuses or [] if s not in REGENERATION_STATUSES]
        if not statuses or bad:
            raise GenerationRequestError(
                "Please select certificate statuses from the list only: " + ", ".join(REGENERATION_STATUSES)
            )
    if scope == GenerationScopes.LEARNERS and not usernames:
        raise GenerationRequestError("Name at least one learner (usernames) for scope 'learners'.")
    if usernames and scope != GenerationScopes.LEARNERS:
        raise GenerationRequestError(
            f"Usernames narrow a run only with scope 'learners'; scope {scope!r} would cover other learners too."
        )


def candidate_user_ids(*, course_run: CourseRun, scope: str, usernames=None, statuses=None) -> list[int]:
    """The learners a run covers, in user id order (Open edX's selections, reference 5.5)."""
    return list(_candidates(course_run=course_run, scope=scope, usernames=usernames, statuses=statuses))


def candidate_id_chunks(*, course_run: CourseRun, scope: str, usernames=None, statuses=None):
    """candidate_user_ids in chunks of CERTIFICATE_GENERATION_CHUNK_SIZE, streamed from the database (a
    server-side cursor on PostgreSQL), so that a million-learner course never holds all its ids at once."""
    ids = _candidates(course_run=course_run, scope=scope, usernames=usernames, statuses=statuses)
    return _chunks(ids.iterator(chunk_size=chunk_size()), chunk_size())


def _candidates(*, course_run: CourseRun, scope: str, usernames=None, statuses=None):
    validate_request(scope=scope, usernames=usernames, statuses=statuses)
    enrolled = CourseEnrollment.objects.filter(course=course_run, is_active=True)
    certificates = GeneratedCertificate.objects.filter(course=course_run)
    allowlisted = CertificateAllowlist.objects.filter(course=course_run, allowlist=True).values("user_id")
    if scope == GenerationScopes.ALL:
        enrolled = enrolled.exclude(
            user_id__in=certificates.exclude(status=CertificateStatuses.UNAVAILABLE).values("user_id")
        )
    elif scope == GenerationScopes.ALLOWLIST:
        enrolled = enrolled.filter(user_id__in=allowlisted)
    elif scope == GenerationScopes.ALLOWLIST_NOT_GENERATED:
        passing = certificates.filter(status__in=PASSED_STATUSES).values("user_id")
        enrolled = enrolled.filter(user_id__in=allowlisted).exclude(user_id__in=passing)
    elif scope == GenerationScopes.STATUSES:
        enrolled = enrolled.filter(user_id__in=certificates.filter(status__in=statuses).values("user_id"))
    elif scope == GenerationScopes.LEARNERS:
        enrolled = CourseEnrollment.objects.filter(
            course=course_run, user__username__in=_known_usernames(usernames)
        )
    return enrolled.order_by("user_id").values_list("user_id", flat=True)


def _known_usernames(usernames) -> list[str]:
    known = set(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
    unknown = sorted(set(usernames) - known)
    if unknown:
        raise GenerationRequestError(f"Unknown learners: {', '.join(unknown)}")
    return list(known)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` items (the last one shorter), taken from any iterable as it goes."""
    rest = iter(items)
    while chunk := list(itertools.islice(rest, size)):
        yield chunk


def chunk_size() -> int:
    return settings.CERTIFICATE_GENERATION_CHUNK_SIZE


# --- deciding and writing a set of learners ---------------------------------------------------------------


def decide_and_write(*, course_run: CourseRun, rows, source: str, actor=None) -> Tally:
    """Decide every (user, facts, certificate) row and write the changes in bulk."""
    policy, now, title = Policy.from_settings(), timezone.now(), course_title(course_run)
    tally, writes, versions = Tally(), [], None
    for user, facts, certificate in rows:
        decision = decide(facts, policy)
        tally.count(decision)
        if decision.action == Action.NONE:
            continue
        if versions is None:  # the template version of each mode, for every certificate issued here
            versions = published_versions_for_course(course_run, CourseModes.values)
        target = certificate or _new_certificate(user.pk, course_run)
        writes.append((target, _snapshot(certificate), certificate.status if certificate else None))
        _apply(target, decision, facts, user=user, title=title, now=now, versions=versions)
    if writes:
        tally.changed = _write(writes, course_run=course_run, source=source, actor=actor, now=now)
    return tally


@functools.cache
def _certificate_defaults() -> tuple[list, list, int, int]:
    """GeneratedCertificate's concrete fields in model order: their static defaults, the fields whose default
    is computed per row (verify_uuid), and where user_id and course_id go."""
    fields = GeneratedCertificate._meta.concrete_fields
    computed = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]
    values = [None if (i, f) in computed else f.get_default() for i, f in enumerate(fields)]
    names = [f.attname for f in fields]
    return values, computed, names.index("user_id"), names.index("course_id")


def _new_certificate(user_id: int, course_run: CourseRun) -> GeneratedCertificate:
    """GeneratedCertificate(user_id=user_id, course_id=course_run.pk), at under half the cost: every field's
    value in model order takes Model.__init__'s positional path, which skips looking up each default by name
    (a course-wide run builds tens of thousands). The run is attached after the insert (see _write): a row
    with its run cached makes bulk_create compare course keys, row by row, at some 15 us each."""
    values, computed, user_at, course_at = _certificate_defaults()
    values = values.copy()
    for i, model_field in computed:
        values[i] = model_field.get_default()
    values[user_at], values[course_at] = user_id, course_run.pk
    return GeneratedCertificate(*values)


def _apply(target, decision, facts, *, user, title, now, versions) -> None:
    name, mode = user.name, facts.enrollment_mode
    if decision.action == Action.GENERATE:
        grade = format_grade(facts.grade_percent)
        apply_generate(
            target, name=name, course_title=title, mode=mode, grade=grade, status=decision.status, now=now,
            template_version=versions.get(mode),
        )  # fmt: skip
    elif decision.action == Action.MARK_NOTPASSING:
        grade = format_grade(facts.grade_percent)
        apply_revoke(target, status=CertificateStatuses.NOTPASSING, mode=mode, grade=grade, name=name)
    else:  # INVALIDATE or MARK_UNVERIFIED
        apply_revoke(target, status=decision.status, mode=mode, grade="", name=name)


def _write(writes, *, course_run, source: str, actor, now) -> int:
    """Bulk insert the new certificates, bulk update the others, then their history rows in bulk."""
    for certificate, _, _ in writes:
        certificate.modified_date = now
    new = [c for c, before, _ in writes if before is None]
    old = [c for c, before, _ in writes if before is not None]
    GeneratedCertificate.objects.bulk_create(new, batch_size=1000)
    GeneratedCertificate.objects.bulk_update(old, _CERTIFICATE_FIELDS, batch_size=1000)
    _ensure_pks(new, course_run)
    for certificate in new:  # for the signals' receivers
        GeneratedCertificate.course.field.set_cached_value(certificate, course_run)
    actor_id = actor.pk if actor is not None else None
    _history_insert(
        [row for c, before, _ in writes if (row := _history_values(c, before, source, actor_id))], now=now
    )
    certificates_changed_on_commit([(c, status_before) for c, _, status_before in writes], source=source)
    certificate_pdfs_delete_on_commit([(c, status_before) for c, _, status_before in writes])
    certificate_pdfs_render_on_commit(
        [c.pk for c, _, _ in writes if c.status == CertificateStatuses.DOWNLOADABLE]
    )
    return len(writes)


_HISTORY_COLUMNS = [
    "certificate_id", "source", "actor_id", "status_before", "status_after", "mode_before", "mode_after",
    "grade_before", "grade_after", "name_before", "name_after", "note", "created",
]  # fmt: skip
_NOTHING_BEFORE = dict.fromkeys(("status", "mode", "grade", "name"), "")


def _history_values(certificate, before: dict | None, source: str, actor_id) -> tuple | None:
    """The values of a history row, as services.generation.history_row builds it (a new certificate, or a
    change of status, mode, grade or name), without a model instance; None when nothing tracked changed."""
    after = _snapshot(certificate)
    if before == after:
        return None
    before = before or _NOTHING_BEFORE
    return (
        certificate.pk, source, actor_id, before["status"], after["status"], before["mode"], after["mode"],
        before["grade"], after["grade"], before["name"], after["name"], "",
    )  # fmt: skip


def _history_insert(rows: list[tuple], *, now) -> None:
    """A chunk's history rows in one statement: COPY on PostgreSQL, one executemany elsewhere. The ORM's
    bulk_create prepares every field of every row (and Django's client-side binding then quotes each one),
    which cost as much as the certificates' own insert; these values are already plain strings and ids."""
    if not rows:
        return
    table = connection.ops.quote_name(CertificateHistory._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _HISTORY_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, now))
            return
        created = CertificateHistory._meta.get_field("created").get_db_prep_value(now, connection)
        placeholders = ", ".join(["%s"] * len(_HISTORY_COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", [(*row, created) for row in rows]
        )


def _ensure_pks(new, course_run) -> None:
    """Backends that cannot return ids from a bulk insert leave pk empty: read them back in one query."""
    missing = {c.user_id: c for c in new if c.pk is None}
    if missing:
        found = GeneratedCertificate.objects.filter(course=course_run, user_id__in=missing).values_list(
            "user_id", "pk"
        )
        for user_id, pk in found:
            missing[user_id].pk = pk


@transaction.atomic
def learners_generate(*, course_run: CourseRun, user_ids: list[int], source: str, actor=None) -> Tally:
    """Decide and write a set of a run's learners in one transaction: a chunk of a course-wide run, the learners
    reconciliation fixes, the learners a bulk import's triggers name. The learners' profiles are locked first (as
    retirement locks them, so that a retirement and this run one after the other and a name is never written
    back), then their certificates, against the per-learner path. A chunk's learners are a range of ids, and
    the locks cover the range (a thousand-value IN list costs more to build and send than the rows it locks).
    SQLite has no row locks (its write transaction holds the whole database), so nothing is read to lock there."""
    if connection.features.has_select_for_update:
        profiles = LearnerProfile.objects.select_for_update().filter(**selectors.user_id_filter(user_ids))
        list(profiles.values_list("pk", flat=True))
    rows = selectors.course_learner_facts(course_run=course_run, user_ids=user_ids, lock=True)
    return decide_and_write(course_run=course_run, rows=rows, source=source, actor=actor)


# --- dry run ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerOutcome:
    """What a run would do for one learner, and why (a dry run's line)."""

    username: str
    certificate_status: str | None  # now
    outcome: str  # the status after the run, or no_certificate
    reason: str
    reason_message: str


def course_generation_dry_run(
    *, course_run: CourseRun, scope: str, usernames=None, statuses=None, each=None
) -> dict:
    """Who would get what, and why, without writing anything: the counts, and each learner's LearnerOutcome
    passed to `each` (a callable) as the chunks go, so a report of a large course is written as it streams."""
    tally, total, policy = Tally(), 0, Policy.from_settings()
    chunks = candidate_id_chunks(course_run=course_run, scope=scope, usernames=usernames, statuses=statuses)
    for chunk in chunks:
        for user, facts, certificate in selectors.course_learner_facts(course_run=course_run, user_ids=chunk):
            decision = decide(facts, policy)
            tally.count(decision)
            if each is not None:
                status = certificate.status if certificate else None
                each(
                    LearnerOutcome(
                        user.username, status, decision.outcome, decision.reason.value, decision.message
                    )
                )
        total += len(chunk)
    return {"total": total, **tally.as_dict(), "changed": 0}


# --- jobs -------------------------------------------------------------------------------------------------


def job_get_unfinished(course_run: CourseRun) -> CertificateGenerationJob | None:
    """The course's run that has not succeeded: pending, running, or failed (a chunk gave up; starting again
    retries what is left)."""
    return (
        CertificateGenerationJob.objects.filter(
            course=course_run, state__in=[JobStates.PENDING, JobStates.RUNNING, JobStates.FAILED]
        )
        .order_by("created")
        .first()
    )


@transaction.atomic
def course_generation_start(
    *,
    course_run: CourseRun,
    scope: str,
    usernames=None,
    statuses=None,
    requested_by=None,
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


def _chunks_create(job: CertificateGenerationJob, id_chunks) -> int:
    """Store a job's chunks as the ids stream in, 50 chunks an insert. Returns how many learners they hold."""
    total = 0
    for batch in _chunks(enumerate(id_chunks), 50):
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
    return _dispatch(job, job.chunks.filter(_claimable()))


def course_generation_recover(job: CertificateGenerationJob) -> int:
    """Queue again what a run has lost. Returns how many chunks were queued.

    - A chunk whose lease expired (its worker died: no heartbeat for a lease) is queued at once.
    - When nothing has moved on the run for a lease (no chunk dispatched, claimed, renewed or finished), its
      pending chunks are queued too: their messages were lost (a worker killed before it claimed its chunk, a
      broker restarted without persistence) or every worker is gone.

    A message queued twice is harmless: the second finds the chunk claimed or done. Failed chunks are left to
    their task's retries and to a new start of the run (course_generation_start)."""
    lost = _expired() | Q(state=JobStates.PENDING) if _stalled(job) else _expired()
    return _dispatch(job, job.chunks.filter(lost))


def generation_jobs_recover() -> int:
    """course_generation_recover for every run that is pending or running (the periodic task). Returns how many
    chunks were queued again."""
    jobs = CertificateGenerationJob.objects.filter(state__in=[JobStates.PENDING, JobStates.RUNNING])
    return sum(course_generation_recover(job) for job in jobs.order_by("created"))


def _dispatch(job: CertificateGenerationJob, chunks) -> int:
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
    return last is None or last < _lease_start()


def lease_seconds() -> int:
    return settings.CERTIFICATE_GENERATION_LEASE_SECONDS


def heartbeat_seconds() -> float:
    """How often a worker renews its chunk's lease: a quarter of the lease, so that three heartbeats may be late
    (a database busy, a pause of the process) before anyone may take the chunk over."""
    return lease_seconds() / 4


def _lease_start():
    return timezone.now() - timedelta(seconds=lease_seconds())


def _expired() -> Q:
    return Q(state=JobStates.RUNNING, claimed_at__lt=_lease_start())


def _claimable() -> Q:
    """Pending chunks, chunks whose worker's lease has expired (it died), and failed chunks (to retry)."""
    return Q(state=JobStates.PENDING) | _expired() | Q(state=JobStates.FAILED)


class LeaseLost(Exception):
    """The chunk was taken over while this worker wrote it (its heartbeats were late by a whole lease): its
    writes are rolled back, and the worker that holds the claim now writes the chunk."""


def chunk_process(*, chunk_id: int, will_retry: bool = False) -> dict | None:
    """Claim a chunk and write it, renewing the claim from a heartbeat thread meanwhile. Returns its tally, or
    None when another worker has it or it is done (or took it over). When the write fails, the chunk is left
    failed with the error, or pending when its task will try it again (so that the job does not settle without
    it)."""
    claimable = CertificateGenerationChunk.objects.filter(_claimable(), pk=chunk_id)
    if not claimable.update(state=JobStates.RUNNING, claimed_at=timezone.now(), attempts=F("attempts") + 1):
        return None
    chunk = CertificateGenerationChunk.objects.select_related("job__course", "job__requested_by").get(
        pk=chunk_id
    )
    CertificateGenerationJob.objects.filter(pk=chunk.job_id, state=JobStates.PENDING).update(
        state=JobStates.RUNNING
    )
    try:
        with _gc_paused(), chunk_lease_kept(chunk_id=chunk_id, attempt=chunk.attempts):
            return _chunk_write(chunk)
    except LeaseLost:
        log.warning("chunk %s was taken over by another worker: its writes here are rolled back", chunk_id)
        return None
    except Exception as exc:
        _claim(chunk_id, chunk.attempts).update(
            state=JobStates.PENDING if will_retry else JobStates.FAILED,
            result={"error": f"{type(exc).__name__}: {exc}"[:1000]},
        )
        raise


def _claim(chunk_id: int, attempt: int):
    """The chunk, while it is running under this claim (attempts numbers the claims)."""
    return CertificateGenerationChunk.objects.filter(pk=chunk_id, state=JobStates.RUNNING, attempts=attempt)


def chunk_lease_renew(*, chunk_id: int, attempt: int) -> bool:
    """Renew a running chunk's lease under its claim (a heartbeat). Returns False when the claim is gone (the
    chunk is done, failed, or another worker took it over)."""
    return bool(_claim(chunk_id, attempt).update(claimed_at=timezone.now()))


@contextlib.contextmanager
def chunk_lease_kept(*, chunk_id: int, attempt: int):
    """Heartbeats for the chunk's lease while the body runs: a thread, with its own database connection (the
    body's transaction is not committed yet), renews claimed_at every heartbeat_seconds(). The thread stops when
    the body ends or the claim is gone; a heartbeat that fails (the database briefly away) is logged and the next
    one tries again. On SQLite the chunk's write transaction holds the database, so a heartbeat waits for it:
    there, a claim by another worker waits for it too, and finds the chunk done."""
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeats, args=(chunk_id, attempt, stop), name=f"chunk-{chunk_id}-lease", daemon=True
    )
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()


def _heartbeats(chunk_id: int, attempt: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(heartbeat_seconds()):
            try:
                if not chunk_lease_renew(chunk_id=chunk_id, attempt=attempt):
                    return
            except Exception:  # a missed heartbeat is survivable; the lease allows three in a row
                log.warning("chunk %s: heartbeat failed", chunk_id, exc_info=True)
    finally:
        connection.close()


@transaction.atomic
def chunk_give_up(*, chunk_id: int) -> None:
    """A failed chunk will not be retried any more (its task has used its retries, or the command stopped):
    the job settles when no other chunk is pending or running (see _settle)."""
    job_id = CertificateGenerationChunk.objects.filter(pk=chunk_id).values_list("job_id", flat=True).first()
    job = CertificateGenerationJob.objects.select_for_update().filter(pk=job_id).first()
    if job is not None:
        _settle(job)


@contextlib.contextmanager
def _gc_paused():
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
    if not _claim(chunk.pk, chunk.attempts).update(state=chunk.state, result=chunk.result):
        raise LeaseLost(chunk.pk)
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
    index, result = failed.values_list("index", "result").first()
    error = f"{failed.count()} chunk(s) failed; chunk {index}: {result.get('error', 'unknown error')}"
    tally = _tally(job.chunks.filter(state=JobStates.SUCCEEDED))
    CertificateGenerationJob.objects.filter(pk=job.pk).update(
        state=JobStates.FAILED, result={**tally.as_dict(), "error": error}, finished_at=timezone.now()
    )
    log.error("generation job %s failed: %s", job.pk, error)


def _tally(chunks) -> Tally:
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


def job_summary(job: CertificateGenerationJob) -> dict:
    """State, progress and (when finished) the result, for the API, the command and the admin."""
    job.refresh_from_db()
    return {
        "id": str(job.pk),
        "course_id": str(job.course_id),
        "scope": job.scope,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "result": job.result if job.is_finished else None,
        "error": job.result.get("error") if job.state == JobStates.FAILED else None,
        "created": job.created,
        "finished_at": job.finished_at,
    }
