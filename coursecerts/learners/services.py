from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction
from django.utils import timezone

from coursecerts.common.bulk_rows import rows_insert, rows_update, rows_where_in, table
from coursecerts.common.upsert import row_upsert, upsert_retried
from coursecerts.learners.models import LearnerProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@upsert_retried
@transaction.atomic
def learner_upsert(
    *,
    username: str,
    email: str = "",
    name: str = "",
    is_active: bool = True,
    verified_name: str | None = None,
    use_verified_name_for_certificates: bool | None = None,
) -> tuple[User, bool]:
    """Create or update a learner (an auth user, with no usable password, and its profile). Returns (user,
    created). Parallel callers end with one learner."""
    user, previous = row_upsert(
        get_user_model(),
        key={"username": username},
        values={"email": email, "is_active": is_active},
        create_values={"password": make_password(None)},
    )
    # The user row is locked: no other learner_upsert of this learner creates the profile meanwhile.
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    profile.name = name
    if verified_name is not None:
        profile.verified_name = verified_name
    if use_verified_name_for_certificates is not None:
        profile.use_verified_name_for_certificates = use_verified_name_for_certificates
    profile.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    profile.save()
    return user, previous is None


class LearnerRow(Protocol):
    """What the bulk writer reads of each learner (the import's rows have these attributes)."""

    username: str
    email: str
    name: str
    is_active: bool


@dataclass(frozen=True)
class LearnersBulkUpsert:
    ids: dict[str, int]  # username -> user id, for every learner given
    created: int  # learners that are new
    changed: set[int]  # user ids of existing learners whose email, active flag or name changed


def learners_bulk_upsert(*, learners: Sequence[LearnerRow]) -> LearnersBulkUpsert:
    """learner_upsert for many learners at once, set-based: a few queries per 5,000 learners (one on
    PostgreSQL), written by coursecerts.common.bulk_rows (COPY or executemany, updates by primary key). The
    learners are validated already (usernames unique, names free of control characters:
    coursecerts.api.v1.import_files); call it inside the caller's transaction."""
    User = get_user_model()
    now = timezone.now()
    existing = {
        username: (user_id, email, bool(is_active))
        for user_id, username, email, is_active in rows_where_in(
            f"SELECT id, username, email, is_active FROM {table(User)} WHERE {{in}}",
            User._meta.get_field("username"),
            [learner.username for learner in learners],
        )
    }
    new_users = [row for row in learners if row.username not in existing]
    rows_insert(
        User,
        ["username", "email", "is_active", "password", "is_staff", "is_superuser", "first_name", "last_name",
         "date_joined"],
        [(r.username, r.email, r.is_active, _unusable_password(), False, False, "", "", now) for r in new_users],
    )  # fmt: skip
    ids = {username: values[0] for username, values in existing.items()}
    ids.update(
        rows_where_in(
            f"SELECT username, id FROM {table(User)} WHERE {{in}}",
            User._meta.get_field("username"),
            [r.username for r in new_users],
        )
    )
    changed_users = [
        (row.email, row.is_active, existing[row.username][0])
        for row in learners
        if row.username in existing and existing[row.username][1:] != (row.email, row.is_active)
    ]
    rows_update(User, ["email", "is_active"], changed_users)
    changed = {user_id for _, _, user_id in changed_users} | _profiles_bulk_upsert(learners, ids, now)
    return LearnersBulkUpsert(ids=ids, created=len(new_users), changed=changed)


def _unusable_password() -> str:
    """What set_unusable_password stores ("!" and random text), without its 40 random.choice calls a learner."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _profiles_bulk_upsert(learners: Sequence[LearnerRow], ids: dict[str, int], now) -> set[int]:
    """Create missing profiles, update changed names. Returns the user ids whose name changed."""
    names = {
        user_id: (pk, name)
        for pk, user_id, name in rows_where_in(
            f"SELECT id, user_id, name FROM {table(LearnerProfile)} WHERE {{in}}",
            LearnerProfile._meta.get_field("user"),
            ids.values(),
        )
    }
    new, changed = [], []
    for row in learners:
        user_id = ids[row.username]
        current = names.get(user_id)
        if current is None:
            new.append((user_id, row.name, "", False, now, now))
        elif current[1] != row.name:
            changed.append((row.name, now, current[0], user_id))
    rows_insert(
        LearnerProfile,
        ["user", "name", "verified_name", "use_verified_name_for_certificates", "created", "modified"],
        new,
    )
    rows_update(LearnerProfile, ["name", "modified"], [row[:3] for row in changed])
    return {row[3] for row in changed}
