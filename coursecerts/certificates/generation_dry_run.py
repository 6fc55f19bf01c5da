"""The dry run of a course-wide generation: who would get what, and why, decided by the rules a run applies
(eligibility.decide over selectors.course_learner_facts) without writing anything. The API, the command's
--dry-run (and its --output report), the admin's dry-run actions and the demo read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coursecerts.certificates import selectors
from coursecerts.certificates.eligibility import Policy, decide
from coursecerts.certificates.generation_selectors import Tally, candidate_id_chunks
from coursecerts.courses.models import CourseRun


@dataclass(frozen=True)
class LearnerOutcome:
    """What a run would do for one learner, and why (a dry run's line)."""

    username: str
    certificate_status: str | None  # now
    outcome: str  # the status after the run, or no_certificate
    reason: str
    reason_message: str


def course_generation_dry_run(
    *,
    course_run: CourseRun,
    scope: str,
    usernames: list[str] | None = None,
    statuses: list[str] | None = None,
    each: Callable[[LearnerOutcome], object] | None = None,
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
