"""Learners (auth_user with the profile's name) through learners_bulk_upsert, keyed by their Open edX id
(ImportedLearner), and each learner's ID verification, decided from all three kinds of Open edX attempts."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from coursecerts.common.validators import without_control_characters
from coursecerts.learners.models import LearnerProfile
from coursecerts.learners.services import learners_bulk_upsert
from coursecerts.openedx.importer.bulk import rows_insert, rows_update
from coursecerts.openedx.importer.context import ImportContext, ids_in, text
from coursecerts.openedx.importer.courses import NOT_IMPORTED_LEARNER
from coursecerts.openedx.importer.report import TableReport
from coursecerts.openedx.importer.source import aware
from coursecerts.openedx.models import ImportedLearner
from coursecerts.verify_student.models import IdVerification, IdVerificationStatus


@dataclass(frozen=True)
class _Learner:
    username: str
    email: str
    name: str
    is_active: bool


def learners_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    User = get_user_model()
    mapped = dict(
        ids_in(ImportedLearner.objects, "source_id", [r["id"] for r in rows]).values_list(
            "source_id", "user_id"
        )
    )
    usernames = dict(User.objects.filter(pk__in=mapped.values()).values_list("pk", "username"))
    learners, renamed = [], set()
    for row in rows:
        username = row["username"] or ""
        if not username or len(username) > 150:
            table.reject(row["id"], "username empty or longer than 150 characters")
            continue
        name = without_control_characters(text(row["name"]))
        if name != text(row["name"]):
            table.adjust(row["id"], "control characters removed from the profile name")
        user_id = mapped.get(row["id"])
        if user_id is not None and usernames.get(user_id) != username:  # renamed in the LMS (retirement too)
            if User.objects.filter(username=username).exclude(pk=user_id).exists():
                table.reject(row["id"], f"renamed to {username!r}, which another coursecerts user has")
                continue
            User.objects.filter(pk=user_id).update(username=username)
            renamed.add(user_id)
        learners.append(
            (row["id"], _Learner(username, text(row["email"], 254), name, bool(row["is_active"])))
        )
    taken = set(
        ids_in(User.objects, "username", [learner.username for _, learner in learners]).values_list(
            "username", flat=True
        )
    )
    ids = _learners_create([learner for _, learner in learners if learner.username not in taken], ctx.now)
    result = learners_bulk_upsert(learners=[learner for _, learner in learners if learner.username in taken])
    ids.update(result.ids)
    changed = result.changed | renamed
    table.created += len(learners) - len(taken)
    table.changed += len(changed)
    table.unchanged += len(taken) - len(changed)
    new_map = [
        (source_id, ids[learner.username]) for source_id, learner in learners if source_id not in mapped
    ]
    stale = [
        (ids[learner.username], source_id)
        for source_id, learner in learners
        if source_id in mapped and mapped[source_id] != ids[learner.username]
    ]
    rows_insert(ImportedLearner, ["source_id", "user"], new_map)
    rows_update(ImportedLearner, ["user"], stale)


# Open edX counts an approved attempt without an expiration_date as good for VERIFY_STUDENT["DAYS_GOOD_FOR"]
# days from its creation (365 by default).
DAYS_GOOD_FOR = 365
_PENDING = {"created", "ready", "submitted", "must_retry", "pending"}


def verification_decided(attempts: list[dict]) -> tuple[str, dt.datetime | None] | None:
    """The one (status, expires_at) of a learner from all their attempts, as Open edX's IDVerificationService
    reads them: the approved attempt that lasts longest; else the newest attempt, denied or pending."""
    approved = [a for a in attempts if a["status"] == "approved"]
    if approved:
        return IdVerificationStatus.APPROVED, max(_expiry(a) for a in approved)
    newest = max(attempts, key=lambda a: (a["created_at"], a["id"]))
    if newest["status"] == "denied":
        return IdVerificationStatus.DENIED, None
    if newest["status"] in _PENDING:
        return IdVerificationStatus.PENDING, None
    return None


def _expiry(attempt: dict) -> dt.datetime:
    return aware(attempt["expiration_date"] or attempt["created_at"] + dt.timedelta(days=DAYS_GOOD_FOR))


def id_verifications_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    """Rows come in user order and a batch never splits a user's attempts (run.py)."""
    users = ctx.user_ids(r["user_id"] for r in rows)
    decided = {}
    for source_user, group in groupby(rows, key=lambda r: r["user_id"]):
        attempts = list(group)
        ids = [f"{a['kind']}:{a['id']}" for a in attempts]
        if source_user not in users:
            for attempt_id in ids:
                table.reject(attempt_id, NOT_IMPORTED_LEARNER)
            continue
        decision = verification_decided(attempts)
        if decision is None:
            for attempt_id in ids:
                table.reject(attempt_id, f"unknown status {attempts[-1]['status']!r}")
            continue
        decided[users[source_user]] = decision
    existing = {
        user_id: (pk, (status, expires_at))
        for user_id, pk, status, expires_at in IdVerification.objects.filter(user_id__in=decided).values_list(
            "user_id", "pk", "status", "expires_at"
        )
    }
    new, changed = [], []
    for user_id, (status, expires_at) in decided.items():
        current = existing.get(user_id)
        if current is None:
            new.append((user_id, status, expires_at, ctx.now, ctx.now))
        elif current[1] != (status, expires_at):
            changed.append((status, expires_at, ctx.now, current[0]))
        else:
            table.unchanged += 1
    rows_insert(IdVerification, ["user", "status", "expires_at", "created", "modified"], new)
    rows_update(IdVerification, ["status", "expires_at", "modified"], changed)
    table.created += len(new)
    table.changed += len(changed)


def _learners_create(learners: list[_Learner], now) -> dict[str, int]:
    """New learners as learners_bulk_upsert creates them (an auth user with an unusable password, and a
    profile with the name), written with COPY: the ORM's bulk_create of users costs ten times more at a
    million learners. Returns username -> user id."""
    User = get_user_model()
    rows_insert(
        User,
        ["username", "email", "is_active", "password", "is_staff", "is_superuser", "first_name", "last_name",
         "date_joined"],
        [(x.username, x.email, x.is_active, _unusable_password(), False, False, "", "", now) for x in learners],
    )  # fmt: skip
    ids = dict(ids_in(User.objects, "username", [x.username for x in learners]).values_list("username", "id"))
    rows_insert(
        LearnerProfile,
        ["user", "name", "verified_name", "use_verified_name_for_certificates", "created", "modified"],
        [(ids[x.username], x.name, "", False, now, now) for x in learners],
    )
    return ids


def _unusable_password() -> str:
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
