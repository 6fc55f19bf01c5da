"""deploy/gunicorn.conf.py runs coursecerts, and /metrics adds up the requests of all its workers
(PROMETHEUS_MULTIPROC_DIR); /health/ready answers from a real server."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    if not (VENV_BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed (requirements/test.txt)")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "COURSECERTS_VAR_DIR": str(tmp_path / "var"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    subprocess.run(
        [str(VENV_BIN / "coursecerts"), "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300
    )
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "coursecerts.wsgi:application"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/health/live", timeout=2)
            break
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.3)
    yield base, tmp_path
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _count(text: str, view: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "coursecerts_http_requests_total" and sample.labels.get("view") == view
    )


def test_metrics_add_up_every_worker_and_ready_answers(server):
    base, tmp_path = server
    from concurrent.futures import ThreadPoolExecutor

    def probe(_):
        return urllib.request.urlopen(base + "/health/live", timeout=10).read()

    # Eight clients at once, so that both of gunicorn's sync workers take requests (one at a time each).
    with ThreadPoolExecutor(8) as clients:
        list(clients.map(probe, range(200)))
    metrics = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    assert _count(metrics, "health_live") >= 201  # the 200 and the start-up probe, across both workers
    assert len(list((tmp_path / "var" / "prometheus").glob("counter_*.db"))) >= 2
    ready = json.loads(urllib.request.urlopen(base + "/health/ready", timeout=10).read())
    assert ready["status"] == "ok" and "broker" not in ready["checks"]
    assert "rid=" in (tmp_path / "access.log").read_text()
