"""GET /metrics (README "Metrics"): Prometheus text, for a token or an allowed address only."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.common import signals

pytestmark = pytest.mark.django_db


def _samples(response) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_an_allowed_address_reads_prometheus_text(client):
    response = client.get("/metrics")  # the test client's REMOTE_ADDR is 127.0.0.1, allowed by default
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = _samples(response)
    assert samples[("coursecerts_lag_seconds", (("queue", "outbox"),))] == 0
    assert ("coursecerts_generation_jobs", (("state", "running"),)) in samples


def test_others_are_refused_without_the_token(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = []
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_a_forwarded_address_counts_only_behind_our_proxies(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 403  # NUM_PROXIES=0
    settings.NUM_PROXIES = 1
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200


def test_requests_are_counted_by_view_and_status(client):
    before = _samples(client.get("/metrics"))
    key = ("coursecerts_http_requests_total", (("method", "GET"), ("status", "200"), ("view", "health_live")))
    client.get("/health/live")
    client.get("/health/live")
    after = _samples(client.get("/metrics"))
    assert after[key] - before.get(key, 0) == 2
    assert after[("coursecerts_http_request_duration_seconds_count", (("view", "health_live"),))] >= 2


def test_certificates_awarded_and_revoked_are_counted(client):
    before = _samples(client.get("/metrics"))
    kwargs = {"sender": GeneratedCertificate, "user_id": 1, "course_key": "k", "mode": "honor", "status": "x"}
    signals.COURSE_CERT_AWARDED.send(certificate=None, **kwargs)
    signals.COURSE_CERT_REVOKED.send(certificate=None, **kwargs)
    after = _samples(client.get("/metrics"))
    for name in ("coursecerts_certificates_awarded_total", "coursecerts_certificates_revoked_total"):
        assert after[(name, ())] - before.get((name, ()), 0) == 1


def test_celery_tasks_are_timed_by_name(client):
    from coursecerts.certificates.tasks import recover_generation_jobs

    recover_generation_jobs.delay()
    samples = _samples(client.get("/metrics"))
    name = "coursecerts.certificates.tasks.recover_generation_jobs"
    assert samples[("coursecerts_task_duration_seconds_count", (("task", name),))] >= 1
    assert samples[("coursecerts_tasks_total", (("state", "SUCCESS"), ("task", name)))] >= 1


def test_the_response_carries_a_request_id(client):
    assert len(client.get("/health/live")["X-Request-ID"]) == 32
    assert client.get("/health/live", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/health/live", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_the_grafana_dashboard_uses_only_metrics_we_expose(client):
    """deploy/grafana/coursecerts.json: every series its panels query is one /metrics serves."""
    import json
    import re
    from pathlib import Path

    client.get("/health/live")
    exposed = {name for name, _ in _samples(client.get("/metrics"))}
    exposed |= {"coursecerts_task_duration_seconds_bucket", "coursecerts_tasks_total"}  # after a first task
    dashboard = json.loads((Path(__file__).parents[2] / "deploy/grafana/coursecerts.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bcoursecerts_[a-z_]+", target["expr"])
    }
    assert used and used <= exposed, used - exposed
