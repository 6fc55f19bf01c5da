"""A real Celery worker on Redis with LOG_FORMAT=json: the task a request queued logs with that request's id
(before_task_publish puts it in the task's headers, task_prerun takes it out). Needs Redis; .ci/run's
PostgreSQL stage sets COURSECERTS_CELERY_INTEGRATION=1."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("COURSECERTS_CELERY_INTEGRATION") != "1",
        reason="needs Redis: set COURSECERTS_CELERY_INTEGRATION=1 (.ci/run does)",
    ),
]
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
PUBLISH = """
import django; django.setup()
from coursecerts.ops import request_id
from coursecerts.certificates.tasks import recover_generation_jobs
request_id.begin("rid-{marker}")
recover_generation_jobs.delay()
"""


def test_the_task_a_request_queued_logs_with_its_request_id(tmp_path):
    queue = f"coursecerts-rid-{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "COURSECERTS_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": os.environ.get("COURSECERTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    subprocess.run([str(BIN / "coursecerts"), "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "coursecerts", "worker", "-Q", queue, "-c", "1", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    marker = uuid.uuid4().hex[:8]
    try:
        subprocess.run([sys.executable, "-c", PUBLISH.format(marker=marker)], env=env, cwd=ROOT, check=True)
        deadline = time.monotonic() + 60
        lines: list[dict] = []
        while time.monotonic() < deadline and not any("succeeded" in line["message"] for line in lines):
            time.sleep(0.3)
            text = (tmp_path / "worker.log").read_text(errors="replace")
            lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
            lines = [line for line in lines if line.get("request_id") == f"rid-{marker}"]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    messages = [line["message"] for line in lines]
    assert any("recover_generation_jobs" in m and "succeeded" in m for m in messages), messages
