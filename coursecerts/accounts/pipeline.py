"""The coursecerts step of the single sign-on pipeline (settings.SOCIAL_AUTH_PIPELINE; ADR 0022).

An identity a provider vouches for becomes the coursecerts user with the same username: the LMS username
(Open edX's `preferred_username` claim, what `edx-auth-backends` matches on and what coursecerts' learners,
course access roles and API imports are keyed by). So a course team member imported from the LMS signs in as
the user their course roles already belong to, and nothing about rights comes from the sign-in: roles are
coursecerts' CourseAccessRole rows, global staff is coursecerts' is_staff."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from social_core.exceptions import AuthPolicyError, AuthResponseError

from coursecerts.learners.models import LearnerProfile

logger = logging.getLogger(__name__)


class SignInRefused(AuthPolicyError):
    """The provider vouched for the person, but coursecerts does not let them in; str() says why, to them."""

    def __init__(self, backend, reason: str):
        super().__init__(backend, stage="pipeline")
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def match_user(backend, details, user=None, *args, **kwargs):
    """The user this identity signs in as: the one already linked to it (social_user's step), else the user
    with the identity's username, else none (create_user then makes one with that username)."""
    if user is not None:
        _refuse_unusable(backend, user)
        return {"is_new": False}
    username = _username(backend, details)
    existing = get_user_model().objects.filter(username=username).first()
    if existing is None:
        return {"username": username}
    linked = existing.social_auth.filter(provider=backend.name).exclude(uid=kwargs.get("uid")).first()
    if linked is not None:
        # The username now names another identity at the provider (renamed or reused): not the same person.
        logger.warning("sign-in refused: %s is linked to another %s identity", username, backend.name)
        raise SignInRefused(
            backend,
            _(
                "The coursecerts account %(username)s is linked to another identity at this provider; "
                "ask an administrator."
            )
            % {"username": username},
        )
    _refuse_unusable(backend, existing)
    return {"user": existing, "is_new": False}


def _username(backend, details) -> str:
    username = details.get("username") or ""
    if not username:
        raise AuthResponseError(backend, code="missing_claim", claim="preferred_username", stage="pipeline")
    try:
        UnicodeUsernameValidator()(username)
        if len(username) > get_user_model()._meta.get_field("username").max_length:
            raise ValidationError("too long")
    except ValidationError:
        raise SignInRefused(
            backend,
            _("The provider's username %(username)s cannot be a coursecerts username.")
            % {"username": repr(username[:40])},
        ) from None
    return username


def _refuse_unusable(backend, user) -> None:
    if LearnerProfile.objects.filter(user=user, retired_at__isnull=False).exists():
        raise SignInRefused(backend, _("This account has been retired."))
    if not user.is_active:
        raise SignInRefused(
            backend,
            _("The coursecerts account %(username)s is deactivated.") % {"username": user.get_username()},
        )
