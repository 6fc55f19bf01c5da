"""Issuing and revoking certificates, and the per-learner generation attempt."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast, overload

from django.db import IntegrityError, transaction
from django.utils import timezone

from coursecerts.certificates import eligibility, selectors
from coursecerts.certificates.display import printed_course_title
from coursecerts.certificates.eligibility import Action, Decision, Policy
from coursecerts.certificates.events import (
    certificate_changed_on_commit,
    certificate_events_record,
    certificates_written,
    send_certificate_changed,
)
from coursecerts.certificates.expiry import certificate_validity, expires_date_for
from coursecerts.certificates.models import CertificateHistory, CertificateStatuses, GeneratedCertificate
from coursecerts.certificates.rendering.cascade import published_version_for_course
from coursecerts.certificates.services.pdf import (
    certificate_pdf_render_on_commit,
    certificate_pdfs_delete_on_commit,
    certificate_pdfs_replace_on_commit,
)
from coursecerts.certificates.services.renewal import renewal_history_write, renewals_link
from coursecerts.common.errors import ApplicationError
from coursecerts.common.upsert import upsert_retried, winner_locked
from coursecerts.courses.models import CourseRun

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from django.contrib.auth.models import User

    from coursecerts.certificates.eligibility import LearnerFacts
    from coursecerts.certificates.models import CertificateTemplateVersion

log = logging.getLogger(__name__)

_TRACKED = ("status", "mode", "grade", "name")


def format_grade(percent: float | str | None) -> str:
    """The grade snapshot Open edX stores: the percent rounded to 2 places, as a string (0.8512 -> '0.85')."""
    if percent is None or percent == "":
        return ""
    return str(round(float(percent), 2))[:5]


def history_row(
    certificate: GeneratedCertificate, before: dict | None, *, source: str, actor: User | None, note: str = ""
) -> CertificateHistory | None:
    """An unsaved history row when status, mode, grade or name changed (or the certificate is new), else None."""
    after = {field: getattr(certificate, field) for field in _TRACKED}
    if before == after:
        return None
    before = before or dict.fromkeys(_TRACKED, "")
    return CertificateHistory(
        certificate=certificate,
        source=source,
        actor=actor,
        note=note,
        **{f"{field}_before": before[field] for field in _TRACKED},
        **{f"{field}_after": after[field] for field in _TRACKED},
    )


def _record(
    certificate: GeneratedCertificate, before: dict | None, *, source: str, actor, note: str = ""
) -> None:
    row = history_row(certificate, before, source=source, actor=actor, note=note)
    if row is not None:
        row.save()


_RESOLVE = object()


def apply_generate(
    certificate: GeneratedCertificate,
    *,
    name: str,
    course_title: str,
    mode: str,
    grade: str,
    status: str,
    now: datetime | None,
    template_version: CertificateTemplateVersion | None | object = _RESOLVE,
    validity: timedelta | None | object = _RESOLVE,
) -> None:
    """Set the fields of an issue (Open edX generate_course_certificate), in memory. The verify_uuid is kept;
    the issue date, course title and expiry date (ADR 0025) are fixed when the certificate becomes
    downloadable. A downloadable certificate records the template version it is (re)issued with (ADR 0006):
    pass `template_version` (a CertificateTemplateVersion or None for the built-in design) and `validity` (the
    run's expiry.certificate_validity) to spare the lookups in bulk."""
    status_before = certificate.status if certificate.pk else None
    certificate.mode, certificate.name, certificate.status = mode, name, status
    certificate.grade = "" if status == CertificateStatuses.UNVERIFIED else grade
    certificate.download_url = certificate.key = certificate.error_reason = ""
    if status == CertificateStatuses.DOWNLOADABLE and (
        status_before != CertificateStatuses.DOWNLOADABLE or not certificate.issued_date
    ):
        certificate.issued_date = now
        certificate.course_title = course_title
        if validity is _RESOLVE:
            validity = certificate_validity(certificate.course)
        certificate.expires_date = expires_date_for(now, cast("timedelta | None", validity))
    if status == CertificateStatuses.DOWNLOADABLE:
        if template_version is _RESOLVE:
            template_version = published_version_for_course(certificate.course, mode)
        certificate.template_version = cast("CertificateTemplateVersion | None", template_version)


def apply_revoke(certificate: GeneratedCertificate, *, status: str, mode: str, grade: str, name: str) -> None:
    """Set the fields of the one revoke routine (Open edX _revoke_certificate), in memory: the legacy PDF
    columns are blanked and the verify_uuid is kept."""
    certificate.status, certificate.mode, certificate.grade, certificate.name = status, mode, grade, name
    certificate.error_reason = certificate.download_uuid = certificate.download_url = ""


@overload
def tracked_fields(certificate: GeneratedCertificate) -> dict: ...
@overload
def tracked_fields(certificate: None) -> None: ...
def tracked_fields(certificate: GeneratedCertificate | None) -> dict | None:
    """The fields a history row records before and after (status, mode, grade, name); None for no certificate.
    The set-based writer (services.bulk_generation) compares them as history_row does."""
    return {field: getattr(certificate, field) for field in _TRACKED} if certificate else None


def _lock_or_new(*, user, course_run: CourseRun) -> tuple[GeneratedCertificate, bool]:
    """The learner's certificate row, locked; or a new row inserted now. Callers at once end with one row: the
    loser of the insert race runs again, or locks the winner's row (coursecerts.common.upsert)."""
    certificate = selectors.certificate_get_for_update(user=user, course_run=course_run)
    if certificate is not None:
        return certificate, False
    try:
        with transaction.atomic():
            return GeneratedCertificate.objects.create(user=user, course=course_run), True
    except IntegrityError as error:
        return winner_locked(GeneratedCertificate, {"user": user, "course": course_run}, error), False


@upsert_retried
@transaction.atomic
def certificate_generate(
    *,
    user: User,
    course_run: CourseRun,
    mode: str,
    grade: str = "",
    status: str = CertificateStatuses.DOWNLOADABLE,
    source: str,
    actor: User | None = None,
    generation_mode: str = "batch",
) -> GeneratedCertificate:
    """Issue (upsert) the learner's certificate. The verify_uuid of an existing row is kept, so public URLs
    survive regeneration. Name, course title, grade and mode are snapshots taken now; the issue date is set
    when the certificate becomes downloadable and not moved by later writes."""
    certificate, created = _lock_or_new(user=user, course_run=course_run)
    before = None if created else tracked_fields(certificate)
    status_before = None if created else certificate.status
    apply_generate(
        certificate,
        name=selectors.learner_certificate_name(user),
        course_title=printed_course_title(course_run),
        mode=mode,
        grade=grade,
        status=status,
        now=timezone.now(),
        template_version=published_version_for_course(course_run, mode, fresh=True),
    )
    issued_now = (
        status == CertificateStatuses.DOWNLOADABLE and status_before != CertificateStatuses.DOWNLOADABLE
    )
    renewals = renewals_link([certificate], course_run=course_run) if issued_now else []
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    certificate.save()
    _record(certificate, before, source=source, actor=actor)
    renewal_history_write(renewals, actor=actor)
    certificate_changed_on_commit(
        certificate=certificate,
        status_before=status_before,
        source=source,
        generation_mode=generation_mode,
        before=before,
    )
    if status == CertificateStatuses.DOWNLOADABLE:
        certificate_pdf_render_on_commit(certificate)
    certificate_pdfs_delete_on_commit([(certificate, status_before)])
    log.info(
        "certificate %s for %s in %s: %s (%s)",
        certificate.verify_uuid,
        user.username,
        course_run.id,
        status,
        source,
    )
    return certificate


class CertificateNotReissuable(ApplicationError):
    pass


@transaction.atomic
def certificate_reissue_with_name(
    *, certificate: GeneratedCertificate, name: str, source: str, actor: User | None, note: str = ""
) -> GeneratedCertificate:
    """Reissue a downloadable certificate with another printed name (an approved name correction, ADR 0024).
    The verify_uuid, the issue and expiry dates and every other snapshot stay; the history records who, when
    and why (`note`); the event is certificate.changed.v1; the Open Badges credential is reissued and the old
    one revoked, in this transaction (reason "reissued"); the stored PDFs are replaced after commit."""
    certificate = GeneratedCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != CertificateStatuses.DOWNLOADABLE:
        raise CertificateNotReissuable(
            f"Certificate {certificate.verify_uuid} is {certificate.status}: only a downloadable certificate "
            "is reissued.",
            extra={"code": "certificate_not_downloadable"},
        )
    before = tracked_fields(certificate)
    certificate.name = name
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    certificate.save()
    _record(certificate, before, source=source, actor=actor, note=note)
    certificate_events_record([(certificate, before)])
    certificates_written([certificate], reason="reissued")
    status = certificate.status
    transaction.on_commit(lambda: send_certificate_changed(certificate, status, source, "batch"))
    certificate_pdfs_replace_on_commit(certificate)
    log.info("certificate %s reissued with another name (%s)", certificate.verify_uuid, source)
    return certificate


def _revoke(
    certificate: GeneratedCertificate,
    *,
    status: str,
    mode: str | None,
    grade: str,
    source: str,
    actor,
    note: str = "",
) -> GeneratedCertificate:
    """The one revoke routine (Open edX GeneratedCertificate._revoke_certificate): the status changes, the grade
    becomes the given snapshot, the mode the given or current enrollment mode, the name is refreshed, the
    legacy PDF columns are blanked, and the verify_uuid is kept."""
    certificate = GeneratedCertificate.objects.select_for_update().get(pk=certificate.pk)
    before = tracked_fields(certificate)
    status_before = certificate.status
    if mode is None:
        enrollment = selectors.enrollment_get(user=certificate.user, course_run=certificate.course)
        mode = enrollment.mode if enrollment else certificate.mode
    apply_revoke(
        certificate,
        status=status,
        mode=mode,
        grade=grade,
        name=selectors.learner_certificate_name(certificate.user),
    )
    certificate.save()
    _record(certificate, before, source=source, actor=actor, note=note)
    certificate_changed_on_commit(
        certificate=certificate, status_before=status_before, source=source, before=before
    )
    certificate_pdfs_delete_on_commit([(certificate, status_before)])
    return certificate


@transaction.atomic
def certificate_invalidate(
    *,
    certificate: GeneratedCertificate,
    mode: str | None = None,
    source: str,
    actor: User | None = None,
    note: str = "",
) -> GeneratedCertificate:
    """Make the certificate `unavailable`."""
    return _revoke(
        certificate,
        status=CertificateStatuses.UNAVAILABLE,
        mode=mode,
        grade="",
        source=source,
        actor=actor,
        note=note,
    )


@transaction.atomic
def certificate_mark_notpassing(
    *, certificate: GeneratedCertificate, mode: str | None, grade: str, source: str, actor: User | None = None
) -> GeneratedCertificate:
    return _revoke(
        certificate, status=CertificateStatuses.NOTPASSING, mode=mode, grade=grade, source=source, actor=actor
    )


@transaction.atomic
def certificate_mark_unverified(
    *, certificate: GeneratedCertificate, mode: str | None, source: str, actor: User | None = None
) -> GeneratedCertificate:
    return _revoke(
        certificate, status=CertificateStatuses.UNVERIFIED, mode=mode, grade="", source=source, actor=actor
    )


@upsert_retried
@transaction.atomic
def certificate_generation_attempt(
    *,
    user: User,
    course_run: CourseRun,
    source: str,
    actor: User | None = None,
    generation_mode: str = "batch",
    policy: Policy | None = None,
) -> Decision:
    """Decide for one learner with the eligibility rules, then act on the decision (Open edX
    generate_certificate_task and the task it queues, in one transaction). Returns the decision."""
    certificate = selectors.certificate_get_for_update(user=user, course_run=course_run)
    facts = selectors.learner_facts_get(user=user, course_run=course_run, certificate=certificate)
    decision = eligibility.decide(facts, policy or Policy.from_settings())
    log.info(
        "generation for %s in %s: %s (%s, %s path)",
        user.username,
        course_run.id,
        decision.action,
        decision.reason,
        decision.path,
    )
    certificate_apply_decision(
        user=user,
        course_run=course_run,
        certificate=certificate,
        facts=facts,
        decision=decision,
        source=source,
        actor=actor,
        generation_mode=generation_mode,
    )
    return decision


def certificate_apply_decision(
    *,
    user: User,
    course_run: CourseRun,
    certificate: GeneratedCertificate | None,
    facts: LearnerFacts,
    decision: Decision,
    source: str,
    actor: User | None,
    generation_mode: str = "batch",
) -> None:
    """Carry out a decision. Shared by the per-learner attempt and course-wide generation."""
    if decision.action == Action.GENERATE:
        # eligibility.decide generates only for an enrolled learner, and names the status
        assert decision.status is not None and facts.enrollment_mode is not None
        grade = format_grade(facts.grade_percent)
        certificate_generate(
            user=user,
            course_run=course_run,
            mode=facts.enrollment_mode,
            grade=grade,
            status=decision.status,
            source=source,
            actor=actor,
            generation_mode=generation_mode,
        )
    elif decision.action == Action.INVALIDATE:
        assert (
            certificate is not None
        )  # invalidate, mark unverified, mark notpassing: an existing certificate
        certificate_invalidate(
            certificate=certificate, mode=facts.enrollment_mode, source=source, actor=actor
        )
    elif decision.action == Action.MARK_UNVERIFIED:
        assert certificate is not None
        certificate_mark_unverified(
            certificate=certificate, mode=facts.enrollment_mode, source=source, actor=actor
        )
    elif decision.action == Action.MARK_NOTPASSING:
        assert certificate is not None
        certificate_mark_notpassing(
            certificate=certificate,
            mode=facts.enrollment_mode,
            grade=format_grade(facts.grade_percent),
            source=source,
            actor=actor,
        )
