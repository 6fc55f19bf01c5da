"""The single sign-on providers an operator configured (settings SOCIAL_AUTH_EDX_OAUTH2_* and SOCIAL_AUTH_OIDC_*).
Both backends are always installed (social-auth loads its backends once per process); a provider without its
key is not offered and its URLs answer 404."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

EDX_OAUTH2 = "edx-oauth2"  # auth_backends.backends.EdXOAuth2.name: /accounts/complete/edx-oauth2/ in the LMS
OIDC = "oidc"  # social_core.backends.open_id_connect.OpenIdConnectAuth.name


@dataclass(frozen=True)
class Provider:
    backend: str  # the social-auth backend name, as in the URLs
    name: str  # what the sign-in button and the messages call it
    origin: str  # where the browser is sent to sign in (the login page's form-action allows it)


def configured_providers() -> list[Provider]:
    """The providers offered on the login page, Open edX first."""
    providers = []
    if settings.SOCIAL_AUTH_EDX_OAUTH2_KEY:
        root = settings.SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT or settings.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT
        providers.append(Provider(EDX_OAUTH2, settings.PLATFORM_NAME or "Open edX", _origin(root)))
    if settings.SOCIAL_AUTH_OIDC_KEY:
        # Its sign-in page is taken to be on the issuer's origin (README "Signing in to the console").
        issuer = settings.SOCIAL_AUTH_OIDC_OIDC_ENDPOINT
        providers.append(
            Provider(OIDC, settings.SOCIAL_AUTH_OIDC_PROVIDER_NAME or _("OpenID Connect"), _origin(issuer))
        )
    return providers


def provider_named(backend: str) -> Provider | None:
    return next((p for p in configured_providers() if p.backend == backend), None)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
