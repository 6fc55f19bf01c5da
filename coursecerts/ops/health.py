"""Health checks: is the process alive, and can it do its work (database, broker, storage, migrations, the
outbox and the events relay keeping up). Each check returns a Check; nothing in it names a host, a path or a
secret, because /health/ready answers anyone (README "Health checks")."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from coursecerts.events.models import OutboxEntry, OutgoingEvent, SinkCursor


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    seconds: float
    detail: str = ""


_migrations_applied = (
    False  # once true, true for this process's code (migrations are never unapplied under it)
)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return ""


def check_broker() -> str:
    from coursecerts.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT_SECONDS)
    return ""


def _storage_round_trip(alias: str) -> str:
    storage = storages[alias]
    name = storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("read back differs")
    finally:
        storage.delete(name)
    return ""


def check_storage() -> str:
    return _storage_round_trip("default")


def check_pdf_storage() -> str:
    return _storage_round_trip("certificate_pdfs")


def check_migrations() -> str:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise RuntimeError(f"{len(plan)} migrations not applied")
        _migrations_applied = True
    return ""


def outbox_lag_seconds() -> float:
    """Age of the oldest due, unfinished outbox entry (0 when none is due)."""
    now = timezone.now()
    oldest = (
        OutboxEntry.objects.filter(done_at__isnull=True, available_at__lte=now)
        .order_by("available_at")
        .values_list("available_at", flat=True)
        .first()
    )
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def events_lag_seconds() -> float:
    """Age of the oldest outgoing event a sink has not been handed yet (0 when none waits). Only sinks with a
    cursor count: a sink starts at the newest event (events.relay)."""
    position = min(SinkCursor.objects.values_list("position", flat=True), default=None)
    if position is None:
        return 0.0
    oldest = (
        OutgoingEvent.objects.filter(id__gt=position).order_by("id").values_list("created", flat=True).first()
    )
    return max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0


def _lag(measure: Callable[[], float]) -> str:
    lag = measure()
    if lag > settings.HEALTH_MAX_LAG_SECONDS:
        raise RuntimeError(f"{int(lag)} s behind (limit {settings.HEALTH_MAX_LAG_SECONDS} s)")
    return f"{int(lag)} s behind"


def check_outbox() -> str:
    return _lag(outbox_lag_seconds)


def check_events() -> str:
    return _lag(events_lag_seconds)


def ready_checks() -> dict[str, Callable[[], str]]:
    checks = {
        "database": check_database,
        "migrations": check_migrations,
        "storage": check_storage,
        "pdf_storage": check_pdf_storage,
        "outbox": check_outbox,
        "events": check_events,
    }
    if not settings.CELERY_BROKER_URL.startswith("memory://"):  # a broker is configured
        checks["broker"] = check_broker
    return checks


def run(name: str, check: Callable[[], str]) -> Check:
    started = time.perf_counter()
    try:
        detail, ok = check(), True
    except Exception as exc:  # a health check reports every failure, it never raises
        detail, ok = _safe_message(exc), False
    return Check(name=name, ok=ok, seconds=round(time.perf_counter() - started, 4), detail=detail)


def _safe_message(exc: Exception) -> str:
    """The failure's kind, and our own messages in full: a driver's message may name hosts or users."""
    if isinstance(exc, RuntimeError):
        return str(exc)
    return type(exc).__name__


def readiness() -> tuple[bool, list[Check]]:
    results = [run(name, check) for name, check in ready_checks().items()]
    return all(result.ok for result in results), results


def as_json(ok: bool, results: list[Check]) -> dict:
    return {
        "status": "ok" if ok else "failing",
        "time": timezone.now().isoformat(),
        "checks": {r.name: {k: v for k, v in asdict(r).items() if k != "name"} for r in results},
    }
