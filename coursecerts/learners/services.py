from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction

from coursecerts.common.iterables import chunked
from coursecerts.common.upsert import row_upsert, rows_bulk_upsert, upsert_retried
from coursecerts.learners.models import LearnerProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Usernames or ids a lookup query takes at once (well under SQLite's limit of query parameters).
LOOKUP_CHUNK = 5000


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
    """learner_upsert for many learners at once, set-based: a few queries per 5,000 learners (bulk inserts, and
    updates as INSERT ... ON CONFLICT DO UPDATE). The learners are validated already (usernames unique, names
    free of control characters: coursecerts.api.v1.import_files); call it inside the caller's transaction.
    Existing rows are read as tuples, not model instances (a third of the time at 100,000 rows)."""
    User = get_user_model()
    existing = {}  # username -> (id, email, is_active)
    for chunk in chunked([learner.username for learner in learners], LOOKUP_CHUNK):
        for user_id, username, email, is_active in User.objects.filter(username__in=chunk).values_list(
            "id", "username", "email", "is_active"
        ):
            existing[username] = (user_id, email, is_active)
    new_users = [
        User(username=row.username, email=row.email, is_active=row.is_active, password=_unusable_password())
        for row in learners
        if row.username not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    ids = {username: values[0] for username, values in existing.items()}
    for chunk in chunked([user.username for user in new_users], LOOKUP_CHUNK):
        ids.update(User.objects.filter(username__in=chunk).values_list("username", "id"))
    changed_users = [
        User(username=row.username, email=row.email, is_active=row.is_active, password="")
        for row in learners
        if row.username in existing and existing[row.username][1:] != (row.email, row.is_active)
    ]
    rows_bulk_upsert(User, changed_users, unique_fields=["username"], update_fields=["email", "is_active"])
    changed = {ids[user.username] for user in changed_users} | _profiles_bulk_upsert(learners, ids)
    return LearnersBulkUpsert(ids=ids, created=len(new_users), changed=changed)


def _unusable_password() -> str:
    """What set_unusable_password stores ("!" and random text), without its 40 random.choice calls a learner."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _profiles_bulk_upsert(learners: Sequence[LearnerRow], ids: dict[str, int]) -> set[int]:
    """Create missing profiles, update changed names. Returns the user ids whose name changed."""
    names: dict[int, str] = {}
    for chunk in chunked(list(ids.values()), LOOKUP_CHUNK):
        names.update(LearnerProfile.objects.filter(user_id__in=chunk).values_list("user_id", "name"))
    new, changed = [], []
    for row in learners:
        user_id = ids[row.username]
        if user_id not in names:
            new.append(LearnerProfile(user_id=user_id, name=row.name))
        elif names[user_id] != row.name:
            changed.append(LearnerProfile(user_id=user_id, name=row.name))
    LearnerProfile.objects.bulk_create(new, batch_size=1000)
    rows_bulk_upsert(LearnerProfile, changed, unique_fields=["user"], update_fields=["name", "modified"])
    return {profile.user_id for profile in changed}
