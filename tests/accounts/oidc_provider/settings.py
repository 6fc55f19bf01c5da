"""A small identity provider for the single sign-on tests: django-oauth-toolkit as an OpenID Connect provider
(/o/...) and as the LMS's OAuth2 endpoints (/oauth2/authorize, /oauth2/access_token with JWT access tokens, as
edx-platform's oauth_dispatch issues them). Its own SQLite file and RSA key, both made by the test (serve.py)."""

import os
from pathlib import Path

SECRET_KEY = "oidc-provider-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.accounts.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_PROVIDER_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# Both sites run on 127.0.0.1, and cookies do not tell ports apart: the provider's have names of their own.
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(os.environ["OIDC_PROVIDER_KEY"]).read_text(),
    "SCOPES": {
        "openid": "Sign you in",
        "profile": "Your username and name",
        "email": "Your email address",
        "user_id": "Your user id",  # the LMS's scope, which edx-auth-backends asks for
    },
    "PKCE_REQUIRED": False,  # as the LMS: confidential clients authenticate with their secret
    "OAUTH2_VALIDATOR_CLASS": "tests.accounts.oidc_provider.tokens.Validator",
    "ACCESS_TOKEN_GENERATOR": "tests.accounts.oidc_provider.tokens.jwt_access_token",
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
}
