"""Email settings from the environment, as an operator's process reads them (a fresh interpreter each time):
EMAIL_URL, Django's EMAIL_* variables, and the file backend under var/emails when neither is set."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

NAMES = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
         "EMAIL_USE_SSL", "EMAIL_FILE_PATH", "DEFAULT_FROM_EMAIL"]  # fmt: skip


def settings_in(tmp_path, **values) -> dict:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env |= {"COURSECERTS_VAR_DIR": str(tmp_path), "SECRET_KEY": secrets.token_urlsafe(50), **values}
    code = f"import json, coursecerts.settings as s; print(json.dumps({{n: str(getattr(s, n)) for n in {NAMES!r}}}))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def test_without_a_mail_server_emails_are_files_under_var(tmp_path):
    got = settings_in(tmp_path)
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert got["EMAIL_FILE_PATH"] == str(tmp_path.resolve() / "emails")


def test_an_email_url_names_the_server(tmp_path):
    got = settings_in(tmp_path, EMAIL_URL="smtp+tls://mailer:s3cret@smtp.example.org:587")
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_HOST_USER"]) == (
        "smtp.example.org",
        "587",
        "mailer",
    )
    assert (got["EMAIL_HOST_PASSWORD"], got["EMAIL_USE_TLS"]) == ("s3cret", "True")


def test_django_s_variables_name_the_server_too(tmp_path):
    got = settings_in(tmp_path, EMAIL_HOST="mail.internal", EMAIL_PORT="2525", EMAIL_USE_SSL="true",
                      DEFAULT_FROM_EMAIL="Certificates <certs@example.org>")  # fmt: skip
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_SSL"]) == ("mail.internal", "2525", "True")
    assert got["DEFAULT_FROM_EMAIL"] == "Certificates <certs@example.org>"


@pytest.mark.parametrize("name, value", [("EMAIL_URL", "nonsense://x"), ("EMAIL_PORT", "twenty-five")])
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, name, value):
    extra = {"EMAIL_HOST": "mail.internal"} if name == "EMAIL_PORT" else {}
    assert name in settings_in(tmp_path, **{name: value}, **extra)["error"]
