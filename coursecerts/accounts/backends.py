"""Open edX's single sign-on backend, as coursecerts uses it."""

from auth_backends.backends import EdXOAuth2 as OpenEdxOAuth2


class EdXOAuth2(OpenEdxOAuth2):
    """edx-auth-backends' EdXOAuth2 (name `edx-oauth2`, the LMS's /oauth2/ endpoints, JWT access tokens), sending
    the redirect URI exactly as registered in the LMS: social-auth's OAuth2 default adds ?redirect_state=... to it,
    which a django-oauth-toolkit that compares redirect URIs exactly (RFC 9700; django-oauth-toolkit 3) refuses
    as "Mismatching redirect URI". The state still goes out and comes back in the `state` parameter."""

    REDIRECT_STATE = False
