"""Secure by default (README "Security"): the admin login locks a username out from an address after
AXES_FAILURE_LIMIT failures; pages may be framed only where CSP_FRAME_ANCESTORS allows."""

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    user = UserFactory(username="operator", is_staff=True, is_superuser=True)
    user.set_password("right-password")
    user.save()
    return user


def _login(client, password):
    return client.post("/admin/login/", {"username": "operator", "password": password, "next": "/admin/"})


def test_the_right_password_logs_in(client, admin_user):
    assert _login(client, "right-password").status_code == 302


def test_repeated_failures_lock_out_even_the_right_password(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200  # the form again, with its error
    assert _login(client, "wrong").status_code == 429  # the last allowed failure locks out
    response = _login(client, "right-password")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_reset_command_lifts_the_lockout(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    assert AccessAttempt.objects.filter(username="operator").exists()
    call_command("axes_reset_username", "operator")
    assert _login(client, "right-password").status_code == 302


def test_pages_may_be_framed_only_where_csp_frame_ancestors_allows(client):
    response = client.get("/health/live")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_csp_frame_ancestors_lets_the_listed_origins_frame_the_pages(tmp_path):
    """A start with origins listed passes Django's checks, sends them in frame-ancestors and no X-Frame-Options
    (which cannot name them)."""
    code = (
        "import django; django.setup(); from django.core.management import call_command; call_command('check');"
        "from django.test import Client; r = Client().get('/health/live', HTTP_HOST='127.0.0.1');"
        "print(r['Content-Security-Policy']); print(r.headers.get('X-Frame-Options'))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "COURSECERTS_VAR_DIR": str(tmp_path),
        "CSP_FRAME_ANCESTORS": "'self' https://lms.example.org",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "frame-ancestors 'self' https://lms.example.org" in out
    assert out.strip().endswith("None")
