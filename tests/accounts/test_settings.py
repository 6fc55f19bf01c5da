"""Single sign-on settings from the environment, read as an operator's process reads them (a fresh interpreter):
a provider half configured stops the start with a message naming what is missing; a configured one is offered."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import django, json; django.setup(); from coursecerts.accounts.providers import configured_providers; "
    "print(json.dumps([[p.backend, p.name, p.origin] for p in configured_providers()]))"
)


def run(tmp_path, **values):
    kept = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env = {**kept, "COURSECERTS_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 50, **values}
    env["DJANGO_SETTINGS_MODULE"] = "coursecerts.settings"
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True)


def test_no_provider_is_offered_by_default(tmp_path):
    assert json.loads(run(tmp_path).stdout) == []


def test_a_key_without_its_secret_and_url_stops_the_start_naming_them(tmp_path):
    result = run(tmp_path, SOCIAL_AUTH_EDX_OAUTH2_KEY="coursecerts-sso")
    assert result.returncode != 0
    assert (
        "SOCIAL_AUTH_EDX_OAUTH2_KEY is set: set SOCIAL_AUTH_EDX_OAUTH2_SECRET and "
        "SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT too" in result.stderr
    )
    result = run(tmp_path, SOCIAL_AUTH_OIDC_KEY="coursecerts", SOCIAL_AUTH_OIDC_SECRET="s")
    assert "set SOCIAL_AUTH_OIDC_OIDC_ENDPOINT too" in result.stderr


def test_a_provider_url_without_its_scheme_stops_the_start(tmp_path):
    result = run(
        tmp_path,
        SOCIAL_AUTH_EDX_OAUTH2_KEY="coursecerts-sso",
        SOCIAL_AUTH_EDX_OAUTH2_SECRET="s",
        SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT="lms.example.org",
    )
    assert "SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT='lms.example.org' is not an http(s) URL" in result.stderr


def test_configured_providers_are_offered_with_where_their_buttons_go(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("lms-secret\n")
    result = run(
        tmp_path,
        SOCIAL_AUTH_EDX_OAUTH2_KEY="coursecerts-sso",
        SOCIAL_AUTH_EDX_OAUTH2_SECRET_FILE=str(secret),
        SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT="http://lms:8000/",
        SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT="https://lms.example.org",
        PLATFORM_NAME="Campus Online",
        SOCIAL_AUTH_OIDC_OIDC_ENDPOINT="https://id.example.org/realms/campus",
        SOCIAL_AUTH_OIDC_KEY="coursecerts",
        SOCIAL_AUTH_OIDC_SECRET="s",
        SOCIAL_AUTH_OIDC_PROVIDER_NAME="Campus login",
    )
    assert json.loads(result.stdout) == [
        ["edx-oauth2", "Campus Online", "https://lms.example.org"],
        ["oidc", "Campus login", "https://id.example.org"],
    ], result.stderr
