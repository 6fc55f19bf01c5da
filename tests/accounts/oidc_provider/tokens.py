"""The claims the provider vouches for: the user's username as `preferred_username` (the LMS username), email,
name; access tokens are JWTs signed with the provider's RS256 key, carrying the claims edx-auth-backends reads
(edx-platform's JWT access tokens: preferred_username, email, name, administrator, superuser, user_id)."""

import time

import jwt
from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def _profile(user) -> dict:
    return {
        "preferred_username": user.username,
        "email": user.email,
        "name": user.get_full_name() or user.username,
    }


class Validator(OAuth2Validator):
    def get_additional_claims(self, request):
        return _profile(request.user)


def jwt_access_token(request, refresh_token=False) -> str:
    now = int(time.time())
    host = request.headers.get("Host") or request.headers.get("HTTP_HOST", "")
    claims = {
        "iss": f"http://{host}/oauth2",
        "aud": request.client_id,
        "sub": str(request.user.pk),
        "iat": now,
        "exp": now + 3600,
        "scopes": list(request.scopes or []),
        "administrator": request.user.is_staff,
        "superuser": request.user.is_superuser,
        "user_id": request.user.pk,
        **_profile(request.user),
    }
    return jwt.encode(claims, settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"], algorithm="RS256")
