"""Instructor invalidation and re-validation, and invalidation after a rejected exam
(tests/certificates/test_instructor_services.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.certificates import selectors
from coursecerts.certificates.eligibility import Decision
from coursecerts.certificates.models import CertificateInvalidation, GeneratedCertificate
from coursecerts.certificates.services.generation import (
    certificate_generation_attempt,
    certificate_invalidate,
)
from coursecerts.common.errors import ApplicationError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from coursecerts.courses.models import CourseRun


class InvalidationNotAllowed(ApplicationError):
    pass


@transaction.atomic
def certificate_invalidation_create(
    *, certificate: GeneratedCertificate, invalidated_by: User, notes: str = ""
) -> CertificateInvalidation:
    """Invalidate a learner's certificate on the course team's word. The certificate must be downloadable, not
    already invalidated, and its learner not on the allowlist. Creates or reactivates the invalidation."""
    certificate = GeneratedCertificate.objects.select_for_update().get(pk=certificate.pk)
    username = certificate.user.username
    if selectors.is_on_allowlist(user=certificate.user, course_run=certificate.course):
        raise InvalidationNotAllowed(
            f"The student {username} appears to be on the Certificate Exception list in course "
            f"{certificate.course_id}. Please remove them from the Certificate Exception list before "
            "attempting to invalidate their certificate."
        )
    if selectors.invalidation_get_active(certificate=certificate):
        raise InvalidationNotAllowed(
            f"Certificate of {username} has already been invalidated. Please check your spelling and retry."
        )
    if not certificate.is_valid():
        raise InvalidationNotAllowed(
            f"Certificate for student {username} is already invalid, kindly verify that certificate was "
            "generated for this student and then proceed."
        )
    invalidation = certificate.invalidations.order_by("-created").first()
    if invalidation is None:
        invalidation = CertificateInvalidation(generated_certificate=certificate)
    invalidation.invalidated_by = invalidated_by
    invalidation.notes = notes
    invalidation.active = True
    invalidation.save()
    certificate_invalidate(
        certificate=certificate, source="certificate_invalidation_list", actor=invalidated_by, note=notes
    )
    return invalidation


@transaction.atomic
def certificate_revalidate(*, certificate: GeneratedCertificate, actor: User | None) -> Decision:
    """Lift an active invalidation, then run generation for the learner again."""
    invalidation = selectors.invalidation_get_active(certificate=certificate)
    if invalidation is None:
        raise InvalidationNotAllowed(f"Certificate of {certificate.user.username} is not invalidated.")
    CertificateInvalidation.objects.filter(generated_certificate=certificate, active=True).update(
        active=False
    )
    return certificate_generation_attempt(
        user=certificate.user, course_run=certificate.course, source="certificate_revalidation", actor=actor
    )


@transaction.atomic
def certificate_invalidate_for_exam(*, user: User, course_run: CourseRun, source: str = "exam_event") -> bool:
    """A proctored exam attempt was rejected: invalidate the certificate (Open edX invalidate_certificate).
    Allowlisted learners keep theirs; with no certificate nothing happens. Returns whether it invalidated."""
    if selectors.is_on_allowlist(user=user, course_run=course_run):
        return False
    certificate = selectors.certificate_get(user=user, course_run=course_run)
    if certificate is None:
        return False
    certificate_invalidate(certificate=certificate, source=source)
    return True


@transaction.atomic
def certificate_invalidation_put(
    *, certificate: GeneratedCertificate, invalidated_by: User, notes: str = ""
) -> tuple[CertificateInvalidation, bool]:
    """The API's idempotent PUT: invalidate (with certificate_invalidation_create's checks), or, when the
    certificate is already invalidated, only replace the notes. Returns (invalidation, created). The certificate
    is locked first, so parallel callers invalidate once: one creates, the others replace the notes."""
    certificate = GeneratedCertificate.objects.select_for_update().get(pk=certificate.pk)
    active = selectors.invalidation_get_active(certificate=certificate)
    if active is not None:
        if active.notes != notes:
            active.notes = notes
            active.save(update_fields=["notes", "modified"])
        return active, False
    return certificate_invalidation_create(
        certificate=certificate, invalidated_by=invalidated_by, notes=notes
    ), True
