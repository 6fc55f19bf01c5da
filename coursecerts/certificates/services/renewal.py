"""Renewal (ADR 0025): a certificate issued in a run of a course whose learner already holds a certificate of
another run of the same course (same organisation and course number in the course key) renews it: the new one
links the one it renews (`previous_certificate`), and both histories say so, so the chain can be read from
either end. It happens when a learner passes a newer run, and when the course team grants a renewal
(certificate_renewal_grant: the learner, enrolled in the newer run, is put on its allowlist and issued there).

The link is made when a certificate becomes downloadable, by the per-learner writer (services.generation) and
the set-based one (services.bulk_generation), in one query for a whole chunk."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.certificates import selectors
from coursecerts.certificates.models import CertificateHistory, CertificateStatuses, GeneratedCertificate
from coursecerts.common.errors import ApplicationError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from coursecerts.certificates.eligibility import Decision
    from coursecerts.courses.models import CourseRun

log = logging.getLogger(__name__)

SOURCE = "renewal"


class RenewalNotAllowed(ApplicationError):
    pass


def same_course_prefix(course_run: CourseRun) -> str:
    """What the keys of every run of the run's course start with: 'course-v1:Org+Number+' (or 'Org/Number/')."""
    key = course_run.id
    assert key is not None  # a saved run has its key
    return f"{key.org}/{key.course}/" if key.deprecated else f"course-v1:{key.org}+{key.course}+"


def previous_certificates(
    *, course_run: CourseRun, user_ids: Collection[int]
) -> dict[int, GeneratedCertificate]:
    """For each learner, the certificate a new one of `course_run` renews: their most recently issued certificate
    of another run of the same course that is still downloadable (valid or expired). One query."""
    if not user_ids:
        return {}
    found = (
        GeneratedCertificate.objects.filter(
            **selectors.user_id_filter(user_ids),
            course__id__startswith=same_course_prefix(course_run),
            status=CertificateStatuses.DOWNLOADABLE,
            issued_date__isnull=False,
        )
        .exclude(course_id=course_run.pk)
        .order_by("user_id", "-issued_date", "-pk")
        .only("pk", "user_id", "verify_uuid", "course_id", "issued_date", "status", "mode", "grade", "name")
    )
    wanted, previous = set(user_ids), dict[int, GeneratedCertificate]()
    for certificate in found:
        if certificate.user_id in wanted:
            previous.setdefault(certificate.user_id, certificate)
    return previous


def renewals_link(
    certificates: Iterable[GeneratedCertificate], *, course_run: CourseRun
) -> list[tuple[GeneratedCertificate, GeneratedCertificate]]:
    """Link, in memory, each certificate of `course_run` just issued (it became downloadable) to the one it
    renews, if any; the caller saves them. Returns the (new, previous) pairs for renewal_history_write."""
    fresh = [c for c in certificates if c.previous_certificate_id is None]
    if not fresh:
        return []
    previous = previous_certificates(course_run=course_run, user_ids={c.user_id for c in fresh})
    links = []
    for certificate in fresh:
        if (renewed := previous.get(certificate.user_id)) is not None:
            certificate.previous_certificate_id = renewed.pk
            links.append((certificate, renewed))
    return links


def renewal_history_write(
    links: list[tuple[GeneratedCertificate, GeneratedCertificate]], *, actor: User | None, note: str = ""
) -> None:
    """The chain in both histories (after the new certificates are saved): "Renews ..." on the new one,
    "Renewed by ..." on the one it renews. Nothing tracked changes, so no event is told for these rows."""
    rows = []
    for new, previous in links:
        suffix = f"; {note}" if note else ""
        rows.append(
            _row(new, actor, f"Renews certificate {previous.verify_uuid} of {previous.course_id}{suffix}")
        )
        rows.append(
            _row(previous, actor, f"Renewed by certificate {new.verify_uuid} of {new.course_id}{suffix}")
        )
    if rows:
        CertificateHistory.objects.bulk_create(rows)


def _row(certificate: GeneratedCertificate, actor, note: str) -> CertificateHistory:
    same = {
        f"{field}_{side}": getattr(certificate, field) or ""
        for field in ("status", "mode", "grade", "name")
        for side in ("before", "after")
    }
    return CertificateHistory(certificate_id=certificate.pk, source=SOURCE, actor=actor, note=note, **same)


def renewal_chain(certificate: GeneratedCertificate) -> list[GeneratedCertificate]:
    """The certificates this one renews, newest first (it first), following previous_certificate: one query a
    link (chains are short: one certificate a run)."""
    chain, seen = [certificate], {certificate.pk}
    while (previous_id := chain[-1].previous_certificate_id) is not None and previous_id not in seen:
        previous = GeneratedCertificate.objects.select_related("course").filter(pk=previous_id).first()
        if previous is None:
            break
        chain.append(previous)
        seen.add(previous.pk)
    return chain


@transaction.atomic
def certificate_renewal_grant(
    *, certificate: GeneratedCertificate, course_run: CourseRun, actor: User, note: str = ""
) -> Decision:
    """The course team renews `certificate` in `course_run`, a later run of the same course, without the learner
    passing it again: the learner (enrolled in that run) is put on its allowlist, and generation runs now; the
    certificate issued there renews this one. Returns the generation's decision."""
    from coursecerts.certificates.services.allowlist import allowlist_entry_create
    from coursecerts.certificates.services.generation import certificate_generation_attempt

    _check_grant(certificate, course_run)
    user = certificate.user
    if not selectors.is_on_allowlist(user=user, course_run=course_run):
        allowlist_entry_create(
            user=user,
            course_run=course_run,
            notes=f"Renewal of certificate {certificate.verify_uuid} granted" + (f": {note}" if note else ""),
            actor=actor,
        )
    decision = certificate_generation_attempt(
        user=user, course_run=course_run, source="renewal_granted", actor=actor
    )
    log.info(
        "renewal of %s in %s granted by %s: %s",
        certificate.verify_uuid,
        course_run.id,
        actor,
        decision.outcome,
    )
    return decision


def _check_grant(certificate: GeneratedCertificate, course_run: CourseRun) -> None:
    if certificate.status != CertificateStatuses.DOWNLOADABLE:
        raise RenewalNotAllowed(
            f"Certificate {certificate.verify_uuid} is {certificate.status}: only a valid or expired certificate "
            "is renewed.",
            extra={"code": "certificate_not_downloadable"},
        )
    earlier = certificate.course
    same_course = str(certificate.course_id).startswith(same_course_prefix(course_run))
    later = earlier.start is None or course_run.start is None or course_run.start > earlier.start
    if course_run.pk == certificate.course_id or not same_course or not later:
        raise RenewalNotAllowed(
            f"{course_run.id} is not a later run of the course of {certificate.course_id}.",
            extra={"code": "not_a_later_run"},
        )
    existing = selectors.certificate_get(user=certificate.user, course_run=course_run)
    if existing is not None and existing.status == CertificateStatuses.DOWNLOADABLE:
        raise RenewalNotAllowed(
            f"The learner already has a certificate in {course_run.id}.", extra={"code": "already_renewed"}
        )
