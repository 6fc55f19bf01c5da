"""Named reads of certificates and of the facts eligibility needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from coursecerts.certificates.eligibility import LearnerFacts
from coursecerts.certificates.models import (
    PASSED_STATUSES,
    CertificateAllowlist,
    CertificateInvalidation,
    GeneratedCertificate,
)
from coursecerts.courses.models import CourseAccessRole, CourseRoles, CourseRun
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import certificate_name
from coursecerts.verify_student.models import IdVerification, IdVerificationStatus

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import datetime

    from django.contrib.auth.models import User
    from opaque_keys.edx.keys import CourseKey


def certificate_get(*, user: User, course_run: CourseRun) -> GeneratedCertificate | None:
    return GeneratedCertificate.objects.filter(user=user, course=course_run).first()


def certificate_get_for_update(*, user: User, course_run: CourseRun) -> GeneratedCertificate | None:
    """The certificate, row-locked until the end of the transaction (PostgreSQL, MariaDB)."""
    return GeneratedCertificate.objects.select_for_update().filter(user=user, course=course_run).first()


def allowlist_entry_get(*, user: User, course_run: CourseRun) -> CertificateAllowlist | None:
    return CertificateAllowlist.objects.filter(user=user, course=course_run).first()


def is_on_allowlist(*, user: User, course_run: CourseRun) -> bool:
    return CertificateAllowlist.objects.filter(user=user, course=course_run, allowlist=True).exists()


def invalidation_get_active(*, certificate: GeneratedCertificate) -> CertificateInvalidation | None:
    return certificate.invalidations.filter(active=True).order_by("-created").first()


def has_certificate_invalidation(*, user: User, course_run: CourseRun) -> bool:
    return CertificateInvalidation.objects.filter(
        generated_certificate__user=user, generated_certificate__course=course_run, active=True
    ).exists()


def enrollment_get(*, user: User, course_run: CourseRun) -> CourseEnrollment | None:
    return CourseEnrollment.objects.filter(user=user, course=course_run).first()


def id_verified(*, user: User, now: datetime | None = None) -> bool:
    verification = IdVerification.objects.filter(user=user).first()
    return verification is not None and verification.is_verified(now)


def learner_facts_get(
    *, user: User, course_run: CourseRun, certificate: GeneratedCertificate | None
) -> LearnerFacts:
    """Everything eligibility reads about one learner in one run (a handful of indexed queries)."""
    enrollment = enrollment_get(user=user, course_run=course_run)
    grade = PersistentCourseGrade.objects.filter(user=user, course=course_run).first()
    return LearnerFacts(
        enrollment_mode=enrollment.mode if enrollment else None,
        is_allowlisted=is_on_allowlist(user=user, course_run=course_run),
        grade_passed=grade.passed if grade else None,
        grade_percent=grade.percent_grade if grade else None,
        is_beta_tester=CourseAccessRole.objects.filter(
            user=user, course=course_run, role=CourseRoles.BETA_TESTER
        ).exists(),
        is_id_verified=id_verified(user=user, now=timezone.now()),
        has_active_invalidation=certificate is not None
        and certificate.invalidations.filter(active=True).exists(),
        certificate_status=certificate.status if certificate else None,
        certificate_mode=certificate.mode if certificate else None,
        is_ccx=course_run.is_ccx,
        cert_html_view_enabled=course_run.cert_html_view_enabled,
    )


def learner_certificate_name(user: User) -> str:
    """The name to print for a learner now: the profile's certificate name, else the auth user's full name."""
    profile = getattr(user, "profile", None)
    if profile is not None:
        return profile.certificate_name
    return user.get_full_name()


@dataclass(frozen=True)
class LearnerRef:
    """A learner as the set-based readers return them: enough to decide, write and report, without loading
    user and profile models."""

    pk: int
    username: str
    email: str
    name: str  # the name a certificate prints


def course_learner_facts(
    *, course_run: CourseRun, user_ids: Collection[int] | None = None, lock: bool = False
) -> list[tuple[LearnerRef, LearnerFacts, GeneratedCertificate | None]]:
    """(learner, facts, certificate) for every learner enrolled in a run (inactive enrollments too), or for
    `user_ids` among them, ordered by user id, in a fixed number of queries whatever the count: the set-based
    twin of learner_facts_get. Users with no enrollment in the run are not listed. With `lock`, the
    certificates are read FOR UPDATE (the caller is in a transaction and has locked the profiles first)."""
    enrollments = CourseEnrollment.objects.filter(course=course_run)
    certificates = GeneratedCertificate.objects.filter(course=course_run)
    related = {"course": course_run}
    if user_ids is not None:
        wanted = set(user_ids)
        related.update(user_id_filter(user_ids))
        enrollments, certificates = (
            enrollments.filter(**user_id_filter(user_ids)),
            certificates.filter(**user_id_filter(user_ids)),
        )
    learners = list(
        enrollments.order_by("user_id").values_list(
            "user_id", "mode", "user__username", "user__email", "user__first_name", "user__last_name",
            "user__profile__name", "user__profile__verified_name", "user__profile__use_verified_name_for_certificates",
        )
    )  # fmt: skip
    if user_ids is not None:
        learners = [learner for learner in learners if learner[0] in wanted]
    read = certificates.select_for_update() if lock else certificates
    by_user = {c.user_id: c for c in read if user_ids is None or c.user_id in wanted}
    grades = {
        uid: (percent, passed)
        for uid, percent, passed in PersistentCourseGrade.objects.filter(**related).values_list(
            "user_id", "percent_grade", "passed"
        )
    }
    allowlisted = set(
        CertificateAllowlist.objects.filter(allowlist=True, **related).values_list("user_id", flat=True)
    )
    beta = set(
        CourseAccessRole.objects.filter(role=CourseRoles.BETA_TESTER, **related).values_list(
            "user_id", flat=True
        )
    )
    invalidated = set(
        CertificateInvalidation.objects.filter(
            active=True, generated_certificate__in=certificates
        ).values_list("generated_certificate__user_id", flat=True)
    )
    verified = _id_verified_user_ids(course_run, user_ids)
    rows, is_ccx, html_view_enabled = [], course_run.is_ccx, course_run.cert_html_view_enabled
    for uid, mode, username, email, first, last, name, verified_name, use_verified in learners:
        grade, certificate = grades.get(uid), by_user.get(uid)
        printed = (
            certificate_name(name, verified_name, use_verified)
            if name is not None
            else f"{first} {last}".strip()
        )
        facts = LearnerFacts(
            enrollment_mode=mode,
            is_allowlisted=uid in allowlisted,
            grade_passed=grade[1] if grade else None,
            grade_percent=grade[0] if grade else None,
            is_beta_tester=uid in beta,
            is_id_verified=uid in verified,
            has_active_invalidation=uid in invalidated,
            certificate_status=certificate.status if certificate else None,
            certificate_mode=certificate.mode if certificate else None,
            is_ccx=is_ccx,
            cert_html_view_enabled=html_view_enabled,
        )
        rows.append((LearnerRef(uid, username, email, printed), facts, certificate))
    return rows


def user_id_filter(user_ids: Collection[int]) -> dict:
    """Many ids (a chunk) filter as a range, far cheaper to send than a thousand-value IN list; rows of users in
    the range but not among the ids are dropped by the caller. A few ids filter with IN."""
    if len(user_ids) > 50:
        return {"user_id__gte": min(user_ids), "user_id__lte": max(user_ids)}
    return {"user_id__in": list(user_ids)}


def _id_verified_user_ids(course_run, user_ids) -> set[int]:
    now = timezone.now()
    verifications = IdVerification.objects.filter(status=IdVerificationStatus.APPROVED).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if user_ids is not None:
        verifications = verifications.filter(**user_id_filter(user_ids))
    else:
        verifications = verifications.filter(user__enrollments__course=course_run)
    return set(verifications.values_list("user_id", flat=True))


# --- API reads -----------------------------------------------------------------------------------------------

# Open edX's `eligible_certificates` manager: audit-track rows are invisible to the v0 API and reports.
_AUDIT_STATUSES = ("audit_passing", "audit_notpassing")


def certificate_get_eligible(*, username: str, course_key: CourseKey) -> GeneratedCertificate | None:
    """The learner's certificate in the run, unless it is an audit-track row (Open edX v0 detail lookup)."""
    return (
        GeneratedCertificate.objects.exclude(status__in=_AUDIT_STATUSES)
        .select_related("user", "course", "course__certificate_configuration")
        .filter(user__username=username, course_id=course_key)
        .first()
    )


def certificate_list_passing_for_user(*, username: str) -> list[GeneratedCertificate]:
    """The learner's passing certificates (downloadable, generating) with their runs and configurations,
    oldest first (Open edX v0 list, before its display filters)."""
    return list(
        GeneratedCertificate.objects.filter(user__username=username, status__in=PASSED_STATUSES)
        .select_related("user", "course", "course__organization", "course__certificate_configuration")
        .order_by("created_date", "pk")
    )


# --- The certificate a verification shows (its public state: display.certificate_public_status, ADR 0011) -----


def certificate_get_for_verification(verify_uuid: str) -> GeneratedCertificate | None:
    """The certificate with this public id, with the run, organisation, configuration and date override its
    verification shows, in one query."""
    return (
        GeneratedCertificate.objects.select_related(
            "course", "course__organization", "course__certificate_configuration", "date_override"
        )
        .filter(verify_uuid=verify_uuid)
        .first()
    )
