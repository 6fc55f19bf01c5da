"""Prometheus metrics (prometheus-client). Counters and histograms are updated where things happen (the request
middleware, certificate signals, Celery task signals); gauges that describe the database (outbox and event lag,
generation jobs, webhook messages) are read when /metrics is scraped. Under gunicorn with several workers set
PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py does): each process writes its own files there and a scrape
adds them up (README "Metrics")."""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db.models import Count
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily

from coursecerts.common import signals
from coursecerts.common.rate_limits import client_address

REQUESTS = Counter(
    "coursecerts_http_requests_total",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "coursecerts_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CERTIFICATES_AWARDED = Counter(
    "coursecerts_certificates_awarded_total",
    "Certificates written with a passing status (issued or updated).",
)
CERTIFICATES_REVOKED = Counter(
    "coursecerts_certificates_revoked_total", "Certificates that stopped being passing (revoked)."
)
TASKS = Counter("coursecerts_tasks_total", "Celery tasks run, by task and outcome.", ["task", "state"])
TASK_DURATION = Histogram(
    "coursecerts_task_duration_seconds",
    "Celery task run time by task: generation chunks, PDF renders, outbox drains...",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)


def _on_awarded(sender, **kwargs):
    CERTIFICATES_AWARDED.inc()


def _on_revoked(sender, **kwargs):
    CERTIFICATES_REVOKED.inc()


_task_started: dict[str, float] = {}


def _task_prerun(task_id=None, **kwargs):
    _task_started[task_id] = time.perf_counter()


def _task_postrun(task_id=None, task=None, state=None, **kwargs):
    started = _task_started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    TASKS.labels(task=name, state=state or "UNKNOWN").inc()
    if started is not None:
        TASK_DURATION.labels(task=name).observe(time.perf_counter() - started)


def connect_receivers() -> None:
    from celery.signals import task_postrun, task_prerun

    signals.COURSE_CERT_AWARDED.connect(_on_awarded, dispatch_uid="ops.metrics.awarded")
    signals.COURSE_CERT_REVOKED.connect(_on_revoked, dispatch_uid="ops.metrics.revoked")
    task_prerun.connect(_task_prerun, dispatch_uid="ops.metrics.task_prerun", weak=False)
    task_postrun.connect(_task_postrun, dispatch_uid="ops.metrics.task_postrun", weak=False)


class DatabaseCollector:
    """Gauges read at scrape time: a few indexed queries, so that every process reports the same values."""

    def collect(self):
        from coursecerts.certificates.models import CertificateGenerationJob, JobStates
        from coursecerts.events.webhooks.models import MessageStates, WebhookMessage
        from coursecerts.ops import health

        lag = GaugeMetricFamily(
            "coursecerts_lag_seconds", "Age of the oldest owed item not done.", labels=["queue"]
        )
        lag.add_metric(["outbox"], health.outbox_lag_seconds())
        lag.add_metric(["events"], health.events_lag_seconds())
        yield lag
        jobs = GaugeMetricFamily(
            "coursecerts_generation_jobs", "Course-wide generation jobs, by state.", labels=["state"]
        )
        counts = dict(
            CertificateGenerationJob.objects.values_list("state")
            .annotate(n=Count("id"))
            .values_list("state", "n")
        )
        for state in JobStates.values:
            jobs.add_metric([state], counts.get(state, 0))
        yield jobs
        webhooks = GaugeMetricFamily(
            "coursecerts_webhook_messages",
            "Webhook messages waiting or given up on, by state.",
            labels=["state"],
        )
        for state in (MessageStates.PENDING, MessageStates.FAILED):
            webhooks.add_metric([state], WebhookMessage.objects.filter(state=state).count())
        yield webhooks


def exposition() -> tuple[bytes, str]:
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return generate_latest(registry) + generate_latest(database), CONTENT_TYPE_LATEST


def allowed(request) -> bool:
    """A matching `Authorization: Bearer <METRICS_TOKEN>`, or a client address in METRICS_ALLOWED_ADDRESSES
    (addresses or networks; the client by NUM_PROXIES as for rate limits)."""
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_ADDRESSES
    )
