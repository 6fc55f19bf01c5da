"""The reads of a course-wide generation: whether a request is valid, which learners it covers, and where its
job stands. Every interface (API, command, admin) asks here; services.generation_jobs runs the job and
services.bulk_generation writes its chunks (ADR 0007).

A module of its own rather than a part of certificates.selectors: those are the reads of one learner's
certificate and facts, these are the reads of a run, with the rule of what a run may be asked for beside them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from coursecerts.certificates.eligibility import Decision
from coursecerts.certificates.models import (
    PASSED_STATUSES,
    CertificateAllowlist,
    CertificateGenerationJob,
    CertificateStatuses,
    GeneratedCertificate,
    GenerationScopes,
    JobStates,
)
from coursecerts.common.errors import ApplicationError
from coursecerts.common.iterables import chunked
from coursecerts.courses.models import CourseRun
from coursecerts.enrollments.models import CourseEnrollment

# The statuses a course team may regenerate by (Open edX start_certificate_regeneration).
REGENERATION_STATUSES = (
    CertificateStatuses.DOWNLOADABLE,
    CertificateStatuses.ERROR,
    CertificateStatuses.NOTPASSING,
    CertificateStatuses.AUDIT_PASSING,
    CertificateStatuses.AUDIT_NOTPASSING,
)

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
    """What a set of decisions came to: outcomes (resulting status or no_certificate) and, for learners who did
    not earn one, the reasons; `changed` counts the certificates written. A chunk's, a job's (job_summary's
    result) and a dry run's summary all have this shape."""

    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    changed: int = 0

    def count(self, decision: Decision) -> None:
        self.outcomes[decision.outcome] += 1
        if not decision.eligible:
            self.reasons[decision.reason.value] += 1

    def add(self, other: dict) -> None:
        self.outcomes.update(other.get("outcomes", {}))
        self.reasons.update(other.get("reasons", {}))
        self.changed += other.get("changed", 0)

    def as_dict(self) -> dict:
        return {"outcomes": dict(self.outcomes), "reasons": dict(self.reasons), "changed": self.changed}


def chunk_size() -> int:
    """How many learners a chunk holds: one transaction of the set-based writer."""
    return settings.CERTIFICATE_GENERATION_CHUNK_SIZE


# --- who a run covers -------------------------------------------------------------------------------------


def validate_request(
    *, scope: str, usernames: list[str] | None = None, statuses: list[str] | None = None
) -> None:
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


def candidate_user_ids(
    *,
    course_run: CourseRun,
    scope: str,
    usernames: list[str] | None = None,
    statuses: list[str] | None = None,
) -> list[int]:
    """The learners a run covers, in user id order (Open edX's selections, tests/certificates/
    test_course_generation_jobs.py)."""
    return list(_candidates(course_run=course_run, scope=scope, usernames=usernames, statuses=statuses))


def candidate_id_chunks(
    *,
    course_run: CourseRun,
    scope: str,
    usernames: list[str] | None = None,
    statuses: list[str] | None = None,
) -> Iterator[list[int]]:
    """candidate_user_ids in chunks of chunk_size(), streamed from the database (a server-side cursor on
    PostgreSQL), so that a million-learner course never holds all its ids at once."""
    ids = _candidates(course_run=course_run, scope=scope, usernames=usernames, statuses=statuses)
    return chunked(ids.iterator(chunk_size=chunk_size()), chunk_size())


def _candidates(*, course_run: CourseRun, scope: str, usernames=None, statuses=None) -> QuerySet:
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


# --- where a run stands -----------------------------------------------------------------------------------


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


def job_summary(job: CertificateGenerationJob) -> dict[str, Any]:
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
