"""`Authorization: Bearer <token>` with the tokens of coursecerts.api.models."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from coursecerts.api.models import ApiToken
from coursecerts.api.services import api_token_touch


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates a request that carries `Authorization: Bearer <token>`. A request with no such header is
    left to the next authentication class; a bad, revoked or inactive user's token is refused with 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: use 'Bearer <token>'.")
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token: it contains invalid characters.") from None
        row = ApiToken.objects.for_token(token)
        if row is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if not row.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is inactive.")
        api_token_touch(token=row)
        return row.user, row

    def authenticate_header(self, request):
        # Also what makes DRF answer 401 (not 403) to a request with no credentials.
        return f'{self.keyword} realm="api"'
