from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from coursecerts.common.upsert import row_upsert, upsert_retried
from coursecerts.learners.models import LearnerProfile


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
):
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
