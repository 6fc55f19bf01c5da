from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from coursecerts.learners.models import LearnerProfile


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
    """Create or update a learner (an auth user and its profile). Returns (user, created)."""
    User = get_user_model()
    user, created = User.objects.select_for_update().get_or_create(username=username)
    user.email, user.is_active = email, is_active
    if created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save()
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    profile.name = name
    if verified_name is not None:
        profile.verified_name = verified_name
    if use_verified_name_for_certificates is not None:
        profile.use_verified_name_for_certificates = use_verified_name_for_certificates
    profile.save()
    return user, created
