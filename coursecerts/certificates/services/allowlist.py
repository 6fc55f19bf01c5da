"""The certificate allowlist ("exceptions"): adding and removing learners, with Open edX's preconditions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.certificates import selectors
from coursecerts.certificates.models import CertificateAllowlist
from coursecerts.certificates.services.generation import certificate_invalidate
from coursecerts.common.errors import ApplicationError
from coursecerts.common.signals import ALLOWLIST_ENTRY_ADDED
from coursecerts.common.upsert import row_upsert, upsert_retried

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from coursecerts.courses.models import CourseRun

log = logging.getLogger(__name__)


class AllowlistNotAllowed(ApplicationError):
    """A learner cannot be added to or removed from the allowlist. `code` is the Open edX bulk row-error kind."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, extra={"code": code})
        self.code = code


@upsert_retried
@transaction.atomic
def allowlist_entry_create(
    *, user: User, course_run: CourseRun, notes: str = "", actor: User | None = None
) -> CertificateAllowlist:
    """Put a learner on the allowlist. They must be actively enrolled, not invalidated, not already listed
    (also by a parallel caller). Generation follows after commit when automatic generation is on."""
    username = user.username
    enrollment = selectors.enrollment_get(user=user, course_run=course_run)
    if enrollment is None or not enrollment.is_active:
        raise AllowlistNotAllowed(
            f"{username} is not enrolled in this course. Please check your spelling and retry.",
            code="user_not_enrolled",
        )
    if selectors.has_certificate_invalidation(user=user, course_run=course_run):
        raise AllowlistNotAllowed(
            f"Student {username} is already on the certificate invalidation list and cannot be added to the "
            "certificate exception list.",
            code="user_on_certificate_invalidation_list",
        )
    if selectors.is_on_allowlist(user=user, course_run=course_run):
        raise _already_allowlisted(username)
    entry, previous = row_upsert(
        CertificateAllowlist,
        key={"user": user, "course": course_run},
        values={"allowlist": True, "notes": notes},
    )
    if previous is not None and previous.allowlist:
        raise _already_allowlisted(username)
    log.info("%s added to the allowlist of %s by %s", username, course_run.id, actor)
    ALLOWLIST_ENTRY_ADDED.send(sender=CertificateAllowlist, user=user, course_run=course_run, entry=entry)
    return entry


def _already_allowlisted(username: str) -> AllowlistNotAllowed:
    return AllowlistNotAllowed(
        f"Student (username/email={username}) already in certificate exception list.",
        code="user_already_allowlisted",
    )


@transaction.atomic
def allowlist_entry_remove(*, user: User, course_run: CourseRun, actor: User | None = None) -> bool:
    """Take a learner off the allowlist: their certificate (if any) is invalidated first, then the entry is
    deleted. Returns False when there was no entry."""
    entry = selectors.allowlist_entry_get(user=user, course_run=course_run)
    if entry is None:
        return False
    certificate = selectors.certificate_get(user=user, course_run=course_run)
    if certificate is not None:
        certificate_invalidate(certificate=certificate, source="allowlist_removal", actor=actor)
    entry.delete()
    log.info("%s removed from the allowlist of %s by %s", user.username, course_run.id, actor)
    return True


@upsert_retried
@transaction.atomic
def allowlist_entry_put(
    *, user: User, course_run: CourseRun, notes: str = "", actor: User | None = None
) -> tuple[CertificateAllowlist, bool]:
    """The API's idempotent PUT: put the learner on the allowlist (with allowlist_entry_create's checks), or,
    when they already are, only replace the notes. Returns (entry, created). Parallel callers add the learner
    once: one creates, the others replace the notes."""
    entry = _entry_locked(user=user, course_run=course_run)
    if entry is None or not entry.allowlist:
        try:
            return allowlist_entry_create(user=user, course_run=course_run, notes=notes, actor=actor), True
        except AllowlistNotAllowed as exc:
            if exc.code != "user_already_allowlisted":
                raise
            entry = _entry_locked(user=user, course_run=course_run)  # listed meanwhile by a parallel caller
    assert entry is not None  # the parallel caller's entry, found under the lock
    if entry.notes != notes:
        entry.notes = notes
        entry.save(update_fields=["notes", "modified"])
    return entry, False


def _entry_locked(*, user, course_run) -> CertificateAllowlist | None:
    return CertificateAllowlist.objects.select_for_update().filter(user=user, course=course_run).first()


# The Open edX bulk answer's row-error kinds, in its order.
BULK_ROW_ERROR_KINDS = (
    "data_format_error",
    "user_not_exist",
    "user_already_allowlisted",
    "user_not_enrolled",
    "user_on_certificate_invalidation_list",
)


def allowlist_bulk_add(*, course_run: CourseRun, rows: list[list[str]], actor: User | None = None) -> dict:
    """Add the learners of CSV rows (username or email, notes) to the allowlist, as Open edX's
    generate_bulk_certificate_exceptions: rows of exactly two columns (blank rows skipped), checked in the order
    exists, invalidated, already allowlisted, enrolled; each good row is added in its own transaction.
    Returns {"row_errors": {kind: [...]}, "success": [...]} with entries 'user "<x>" in row# <n>'."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    row_errors: dict[str, list[str]] = {kind: [] for kind in BULK_ROW_ERROR_KINDS}
    success = []
    User = get_user_model()
    for number, row in enumerate(rows, start=1):
        if len(row) != 2:
            if row:
                row_errors["data_format_error"].append(f'user "{row[0]}" in row# {number}')
            continue
        identifier, notes = row[0].strip(), row[1]
        user = User.objects.filter(username=identifier).first() or (
            User.objects.filter(Q(email=identifier) & ~Q(email="")).order_by("pk").first()
        )
        kind = _bulk_row_problem(user, course_run)
        if kind:
            row_errors[kind].append(f'user "{user.username if user else identifier}" in row# {number}')
            continue
        assert user is not None  # _bulk_row_problem reports a missing user
        allowlist_entry_create(user=user, course_run=course_run, notes=notes, actor=actor)
        success.append(f'user "{user.username}" in row# {number}')
    return {"row_errors": row_errors, "success": success}


def _bulk_row_problem(user, course_run) -> str | None:
    if user is None:
        return "user_not_exist"
    if selectors.has_certificate_invalidation(user=user, course_run=course_run):
        return "user_on_certificate_invalidation_list"
    if selectors.is_on_allowlist(user=user, course_run=course_run):
        return "user_already_allowlisted"
    enrollment = selectors.enrollment_get(user=user, course_run=course_run)
    if enrollment is None or not enrollment.is_active:
        return "user_not_enrolled"
    return None
