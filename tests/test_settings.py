"""Settings built from an environment, as an operator's process would (a fresh interpreter each time): the HTTPS
hardening that an https SITE_URL switches on, and the database connections of the development server."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

NAMES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "NUM_PROXIES",
]
DEPLOY_WARNINGS = ("security.W004", "security.W008", "security.W012", "security.W016")


@pytest.fixture
def environment(tmp_path):
    """A clean environment: only what the test sets, a var/ of its own and a real secret key."""

    def _environment(**values) -> dict:
        kept = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
        return {
            **kept,
            "COURSECERTS_VAR_DIR": str(tmp_path),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
            **values,
        }

    return _environment


def settings_from(env: dict, argv: tuple[str, ...] = ("coursecerts", "migrate")) -> dict:
    """The settings coursecerts.settings computes in `env`, for a process started as `argv`."""
    code = (
        "import json, sys; sys.argv = json.loads(sys.argv[1]); import coursecerts.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}} | "
        "{'CONN_MAX_AGE': s.DATABASES['default']['CONN_MAX_AGE']}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(argv)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def start_error(env: dict) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import coursecerts.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    return done.stderr.strip().splitlines()[-1]


def test_an_https_site_url_switches_https_hardening_on(environment):
    values = settings_from(environment(SITE_URL="https://certs.example.org"))
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_an_http_site_url_leaves_it_off(environment):
    values = settings_from(environment(SITE_URL="http://127.0.0.1:8000"))
    assert [values[n] for n in NAMES[:6]] == [False, 0, False, False, False, False]


def test_each_setting_can_be_set_by_its_own_variable(environment):
    values = settings_from(
        environment(
            SITE_URL="https://certs.example.org",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
            SECURE_HSTS_PRELOAD="true",
            SESSION_COOKIE_SECURE="no",
            CSRF_COOKIE_SECURE="0",
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto,https",
            NUM_PROXIES="1",
        )
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "NUM_PROXIES": 1,
        "CONN_MAX_AGE": 60,
    }


def test_the_proxy_header_may_be_given_by_its_wsgi_name(environment):
    values = settings_from(environment(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"))
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto", "is not HEADER,VALUE"),
        ("SECURE_HSTS_SECONDS", "a year", "is not an integer"),
        ("SECURE_SSL_REDIRECT", "sure", "is not a boolean"),
        ("NUM_PROXIES", "-1", "must be at least 0"),
        ("CERTIFICATE_PAGE_RATE", "lots", "is not a rate"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(environment, name, value, message):
    error = start_error(environment(**{name: value}))
    assert name in error and message in error


@pytest.fixture
def console():
    return str(Path(sys.executable).with_name("coursecerts"))


def deploy_check(console, env) -> str:
    done = subprocess.run(
        [console, "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )
    return done.stdout + done.stderr


def test_check_deploy_has_no_https_warnings_with_an_https_site_url(console, environment):
    output = deploy_check(
        console, environment(SITE_URL="https://certs.example.org", ALLOWED_HOSTS="certs.example.org")
    )
    assert [w for w in DEPLOY_WARNINGS if w in output] == [], output


def test_check_deploy_warns_with_an_http_site_url(console, environment):
    output = deploy_check(console, environment(SITE_URL="http://certs.example.org"))
    assert [w for w in DEPLOY_WARNINGS if w in output] == list(DEPLOY_WARNINGS), output


def test_the_development_server_keeps_no_database_connections(environment):
    """runserver serves each request in a new thread: kept connections would pile up, one a thread."""
    env = environment(DATABASE_CONN_MAX_AGE="60")
    assert settings_from(env, ("coursecerts", "runserver", "--insecure"))["CONN_MAX_AGE"] == 0
    assert settings_from(env, ("manage.py", "runserver"))["CONN_MAX_AGE"] == 0
    assert settings_from(env, ("coursecerts", "migrate"))["CONN_MAX_AGE"] == 60
    assert settings_from(env, ("gunicorn", "coursecerts.wsgi"))["CONN_MAX_AGE"] == 60
