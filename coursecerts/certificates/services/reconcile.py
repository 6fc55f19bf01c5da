"""Reconciliation: compare what the rules say with what is stored, for a whole run (README "Commands":
reconcile_certificates).

Two kinds of mismatch: learners the rules would give a downloadable certificate who do not hold one (missed
events, generation switched off at the time...), and downloadable certificates whose learner the rules would no
longer give one (a grade or mode changed without a trigger). The first kind can be fixed by writing the
certificates; the second is only reported, since revoking is a decision for the course team."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from coursecerts.certificates import selectors
from coursecerts.certificates.eligibility import Policy, decide
from coursecerts.certificates.generation_selectors import chunk_size
from coursecerts.certificates.models import CertificateStatuses
from coursecerts.certificates.services.bulk_generation import learners_generate
from coursecerts.common.iterables import chunked
from coursecerts.enrollments.models import CourseEnrollment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from coursecerts.courses.models import CourseRun


def course_reconcile(*, course_run: CourseRun, fix: bool = False, actor: User | None = None) -> dict:
    """Report (and with fix=True, issue) missing certificates and report unearned ones, chunk by chunk."""
    policy = Policy.from_settings()
    ids = (
        CourseEnrollment.objects.filter(course=course_run)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .iterator(chunk_size=chunk_size())
    )
    missing, unearned, fixed, checked = [], [], 0, 0
    for chunk in chunked(ids, chunk_size()):
        checked += len(chunk)
        rows = selectors.course_learner_facts(course_run=course_run, user_ids=chunk)
        to_fix = []
        for user, facts, certificate in rows:
            has_valid = certificate is not None and certificate.status == CertificateStatuses.DOWNLOADABLE
            decision = decide(facts, policy)
            if decision.eligible and not has_valid:
                missing.append(
                    {"username": user.username, "status": certificate.status if certificate else None}
                )
                to_fix.append(user.pk)
            elif has_valid:
                fresh = decide(replace(facts, certificate_status=None, certificate_mode=None), policy)
                if not fresh.eligible:
                    unearned.append({"username": user.username, "reason": fresh.reason.value})
        if fix and to_fix:
            fixed += learners_generate(
                course_run=course_run, user_ids=to_fix, source="reconcile", actor=actor
            ).changed
    return {"checked": checked, "missing": missing, "unearned": unearned, "fixed": fixed}
