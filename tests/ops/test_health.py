"""GET /health/live and /health/ready, and `coursecerts health --ready` (README "Health checks")."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coursecerts.events.models import OutboxEntry, OutboxKinds

pytestmark = pytest.mark.django_db


def _storage_at(settings, alias, location):
    backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location)},
    }
    settings.STORAGES = {**settings.STORAGES, alias: backend}


def test_live_answers_without_checking_anything(client):
    response = client.get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_ready_reports_each_check_with_its_state_and_time(client):
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "storage", "pdf_storage", "outbox", "events"}
    for check in body["checks"].values():
        assert check["ok"] is True and check["seconds"] >= 0
    assert response["Cache-Control"].startswith("max-age=0")


def test_ready_needs_no_login_and_leaves_no_file_behind(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    assert client.get("/health/ready").status_code == 200
    assert list(tmp_path.rglob("*.txt")) == []


def test_ready_is_503_when_the_outbox_falls_behind(client, settings):
    settings.HEALTH_MAX_LAG_SECONDS = 60
    OutboxEntry.objects.create(
        kind=OutboxKinds.GENERATE_CERTIFICATES, available_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/health/ready")
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert outbox["ok"] is False and "behind (limit 60 s)" in outbox["detail"]


def test_ready_is_503_when_the_broker_does_not_answer_and_says_nothing_of_its_address(client, settings):
    settings.CELERY_BROKER_URL = "redis://secret-user:secret-pass@127.0.0.1:1/0"
    from coursecerts.celery import app

    before = app.conf.broker_url
    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/health/ready")
    finally:
        app.conf.broker_url = before
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    assert b"secret" not in response.content and b"127.0.0.1" not in response.content


def test_ready_is_503_when_storage_fails(client, settings, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "certificate_pdfs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    response = client.get("/health/ready")
    assert response.status_code == 503
    check = response.json()["checks"]["pdf_storage"]
    assert check["ok"] is False and str(tmp_path) not in check["detail"]


def test_the_command_exits_zero_when_ready():
    out = StringIO()
    call_command("health", "--ready", stdout=out)
    assert "database: ok" in out.getvalue()


def test_the_command_exits_one_when_not_ready(settings):
    settings.HEALTH_MAX_LAG_SECONDS = 1
    OutboxEntry.objects.create(
        kind=OutboxKinds.GENERATE_CERTIFICATES, available_at=timezone.now() - timedelta(minutes=5)
    )
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("health", "--ready", stdout=out)
    assert caught.value.returncode == 1 and "outbox: FAIL" in out.getvalue()
