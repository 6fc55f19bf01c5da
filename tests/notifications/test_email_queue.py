"""LEARNER_EMAIL_QUEUE: the learner emails' task on a Celery queue of its own, read as an operator's worker reads it
(a fresh interpreter each time), through the Celery application's router. Unset, the emails share the default
queue with the generation chunks; routes set in CELERY_TASK_ROUTES stay as they are."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

EMAILS = "coursecerts.notifications.tasks.send_learner_emails"
CHUNKS = "coursecerts.certificates.tasks.generate_certificates_chunk"
PDF = "coursecerts.certificates.tasks.render_certificate_pdf"

ROUTE = """
import json, django
django.setup()
from coursecerts.celery import app
from coursecerts.notifications.tasks import send_learner_emails
names = [send_learner_emails.name, *{others!r}]
print(json.dumps({{name: app.amqp.router.route({{}}, name)["queue"].name for name in names}}))
"""


def queues_in(tmp_path, *others: str, **values) -> dict:
    """The queue each task goes to (the email task and `others`), or {"error": ...} when the start fails."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env |= {"COURSECERTS_VAR_DIR": str(tmp_path), "SECRET_KEY": secrets.token_urlsafe(50), **values}
    env |= {"DJANGO_SETTINGS_MODULE": "coursecerts.settings", "CELERY_BROKER_URL": "redis://127.0.0.1:6399/0"}
    code = ROUTE.format(others=others)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def test_without_the_setting_the_emails_share_the_default_queue(tmp_path):
    assert queues_in(tmp_path, CHUNKS) == {EMAILS: "celery", CHUNKS: "celery"}


def test_with_the_setting_the_emails_go_to_their_queue_and_the_chunks_stay(tmp_path):
    got = queues_in(tmp_path, CHUNKS, LEARNER_EMAIL_QUEUE="learner-emails", CELERY_TASK_DEFAULT_QUEUE="work")
    assert got == {EMAILS: "learner-emails", CHUNKS: "work"}


def test_the_operator_s_other_routes_are_kept(tmp_path):
    routes = {"coursecerts.certificates.tasks.render_certificate_pdf*": {"queue": "pdfs"}}
    got = queues_in(
        tmp_path, PDF, CHUNKS, LEARNER_EMAIL_QUEUE="emails", CELERY_TASK_ROUTES=json.dumps(routes)
    )
    assert got == {EMAILS: "emails", PDF: "pdfs", CHUNKS: "celery"}


def test_the_setting_wins_over_a_pattern_of_the_operator_s_routes(tmp_path):
    routes = {"coursecerts.*": {"queue": "coursecerts"}}
    got = queues_in(tmp_path, CHUNKS, LEARNER_EMAIL_QUEUE="emails", CELERY_TASK_ROUTES=json.dumps(routes))
    assert got == {EMAILS: "emails", CHUNKS: "coursecerts"}


def test_two_queues_named_for_the_email_task_stop_the_start(tmp_path):
    routes = json.dumps({EMAILS: {"queue": "mail"}})
    error = queues_in(tmp_path, LEARNER_EMAIL_QUEUE="emails", CELERY_TASK_ROUTES=routes)["error"]
    assert "LEARNER_EMAIL_QUEUE" in error and "CELERY_TASK_ROUTES" in error
    assert queues_in(tmp_path, LEARNER_EMAIL_QUEUE="mail", CELERY_TASK_ROUTES=routes)[EMAILS] == "mail"
