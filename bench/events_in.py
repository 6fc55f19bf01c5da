"""Events in (README "Performance", ADR 0021): a burst of COURSE_PASSING_STATUS_UPDATED events, one per learner
of a course whose grades were recomputed, through the real Redis event bus and coursecerts' consumer.

The course has --size enrolled (verified) learners, known by their LMS ids, with grades not passing yet. The
burst (every learner now passing) is written to the stream as edx-event-bus-redis writes it; then one consumer
(consumer.InboxRedisConsumer, as `coursecerts consume_events` runs it, in this process) reads it from the
start, records each event in the inbox, acknowledges it, applies the batches through the set-based path, and
issues the certificates the new passing grades owe (the outbox's generation, in-process as without a broker;
learner emails off: a worker sends them).
Measured: from the consumer's start until it is idle with every event applied and every certificate issued.
Target: at least 2,000 events/s. Peak memory: the consumer process's resident memory above its start.

    .venv/bin/python bench/events_in.py                          # PostgreSQL, 100,000 events
    .venv/bin/python bench/events_in.py --database sqlite
    .venv/bin/python bench/events_in.py --size 20000 --batch 2000
PostgreSQL is reached at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/coursecerts_bench_evin,
dropped and created again); Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/12, streams prefixed
bench-evin).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchdb import child_database  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench_evin"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PREFIX = "bench-evin"
TOPIC = "learning-certificate-inputs"
COURSE = "course-v1:Bench+Events101+2026"


def seed(size: int):
    """The course, its learners (LMS ids 1..size), their verified enrollments and their grades, not passing."""
    from django.contrib.auth import get_user_model

    from coursecerts.courses.services import course_run_upsert
    from coursecerts.enrollments.models import CourseEnrollment
    from coursecerts.grades.models import PersistentCourseGrade
    from coursecerts.learners.models import LearnerProfile
    from coursecerts.openedx.models import ImportedLearner

    run, _ = course_run_upsert(course_key=COURSE, display_name="Bench events", self_paced=True)
    User = get_user_model()
    users = User.objects.bulk_create(
        (User(username=f"e{i:07d}", email=f"e{i:07d}@example.org") for i in range(1, size + 1)),
        batch_size=5000,
    )
    LearnerProfile.objects.bulk_create(
        (LearnerProfile(user=u, name=f"Learner {u.pk}") for u in users), batch_size=5000
    )
    CourseEnrollment.objects.bulk_create(
        (CourseEnrollment(user=u, course=run, mode="verified") for u in users), batch_size=5000
    )
    PersistentCourseGrade.objects.bulk_create(
        (PersistentCourseGrade(user=u, course=run, percent_grade=0.85, passed=False) for u in users),
        batch_size=5000,
    )
    ImportedLearner.objects.bulk_create(
        (ImportedLearner(source_id=int(u.username[1:]), user=u) for u in users), batch_size=5000
    )
    return run


def reset(run) -> None:
    """Back to before the burst: no certificate, grades not passing, an empty inbox and outbox."""
    from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
    from coursecerts.events.models import OutboxEntry, OutgoingEvent
    from coursecerts.grades.models import PersistentCourseGrade
    from coursecerts.openedx.models import InboxEvent

    for model in (CertificateHistory, GeneratedCertificate, InboxEvent, OutboxEntry, OutgoingEvent):
        model.objects.all().delete()
    PersistentCourseGrade.objects.filter(course=run).update(passed=False)


def produce(client, size: int) -> str:
    """The burst on the stream, as edx-event-bus-redis's producer writes each message (RedisMessage's fields,
    the event data in openedx-events' Avro schema), in pipelined XADDs. Returns the stream's name."""
    import io
    import uuid
    from datetime import UTC, datetime

    import fastavro
    from edx_event_bus_redis.internal.config import get_full_topic
    from edx_event_bus_redis.internal.message import RedisMessage
    from openedx_events.data import EventsMetadata
    from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED as SIGNAL

    stream = get_full_topic(TOPIC)
    client.delete(stream)
    schema = fastavro.parse_schema(AvroSignalSerializer(SIGNAL).schema)
    course = {"course_key": COURSE, "display_name": "Bench events", "start": None, "end": None}
    now = datetime.now(UTC)
    pipeline = client.pipeline(transaction=False)
    for lms_id in range(1, size + 1):
        username = f"e{lms_id:07d}"
        pii = {"username": username, "email": f"{username}@example.org", "name": f"Learner {lms_id}"}
        user = {"id": lms_id, "is_active": True, "pii": pii}
        record = {"course_passing_status": {"is_passing": True, "course": course, "user": user}}
        out = io.BytesIO()
        fastavro.schemaless_writer(out, schema, record)
        metadata = EventsMetadata(
            event_type=SIGNAL.event_type, id=uuid.uuid4(), time=now, source="openedx/lms/web"
        )
        message = RedisMessage(topic=stream, event_data=out.getvalue(), event_metadata=metadata)
        pipeline.xadd(stream, message.to_binary_dict())
        if len(pipeline) >= 5000:
            pipeline.execute()
    pipeline.execute()
    return stream


def consume(batch: int) -> dict:
    from generate import PeakRss

    from coursecerts.openedx.consumer import InboxRedisConsumer

    consumer = InboxRedisConsumer(
        TOPIC, f"bench-{time.monotonic_ns()}", "bench", check_backlog=True, exit_when_idle=0, batch_size=batch
    )
    with PeakRss() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        consumer.consume_indefinitely()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak_mb": memory.peak_mb, **consumer.stats}


def drain() -> dict:
    """With a broker, the generation the events owe is a worker's drain_outbox: run it here, timed apart."""
    from coursecerts.events.services import outbox_drain

    started, cpu = time.perf_counter(), time.process_time()
    outbox_drain()
    return {"drain_seconds": time.perf_counter() - started, "drain_cpu": time.process_time() - cpu}


def child(size: int, rounds: int, batch: int, broker: bool) -> None:
    import logging

    import django

    django.setup()
    for name in ("coursecerts", "openedx_events", "edx_event_bus_redis"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import redis
    from django.core.management import call_command
    from django.test import override_settings

    from coursecerts.certificates.models import GeneratedCertificate

    call_command("migrate", verbosity=0)
    run = seed(size)
    client = redis.Redis.from_url(REDIS_URL)
    bus = {
        "EVENT_BUS_REDIS_CONNECTION_URL": REDIS_URL,
        "EVENT_BUS_TOPIC_PREFIX": PREFIX,
        "AUTO_CERTIFICATE_GENERATION": True,
        # Learner emails are sent by a worker in a deployment; without a broker they would be sent here, in the
        # consumer's process, and an email costs more than an event (measured apart, bench/notifications).
        "LEARNER_EMAILS_ENABLED": False,
    }
    results = []
    with override_settings(**bus):
        for _ in range(rounds):
            reset(run)
            stream = produce(client, size)
            result = consume(batch)
            if broker:
                result.update(drain())
                client.delete("celery")
            result["certificates"] = GeneratedCertificate.objects.filter(
                course=run, status="downloadable"
            ).count()
            results.append(result)
        client.delete(stream)
    print(json.dumps({"size": size, "batch": batch, "broker": broker, "rounds": results}))


def run_child(database: str, size: int, *, rounds: int = 1, batch: int = 1000, broker: bool = False) -> dict:
    """The measuring child on a fresh database (a temporary SQLite file, or BENCH_POSTGRES_URL recreated)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coursecerts.settings", "LOG_LEVEL": "WARNING"}
    with child_database(env, database, POSTGRES_URL):
        command = [sys.executable, __file__, "--child", "--size", str(size), "--rounds", str(rounds),
                   "--batch", str(batch)] + (["--broker"] if broker else [])  # fmt: skip
        if broker:
            env["CELERY_BROKER_URL"] = REDIS_URL
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"child failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): a burst through one consumer on SQLite, with generation left to a
    worker (target: 2,000 events/s at least), and the same per CPU second of the consumer."""
    from rows import Row

    size = 10_000 if quick else 100_000
    (r,) = run_child("sqlite", size, broker=True)["rounds"]
    note = f"{size:,} COURSE_PASSING_STATUS_UPDATED, {r['done']:,} applied, {r['failed']:,} failed"
    return [
        Row(
            "events in, one consumer, sqlite",
            size / r["seconds"],
            "events/s",
            target="figure >= 2000",
            note=note,
        ),
        Row("events in, per CPU second of the consumer, sqlite", size / r["cpu"], "events/s", note=note),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000, help="events in the burst (one per learner)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000, help="EVENTS_INBOX_BATCH_SIZE")
    parser.add_argument("--database", default="postgresql", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--broker", action="store_true",
        help="Celery on Redis (no worker): the consumer owes the generation, timed apart as a worker's drain",
    )  # fmt: skip
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.size, args.rounds, args.batch, args.broker)
    result = run_child(args.database, args.size, rounds=args.rounds, batch=args.batch, broker=args.broker)
    where = (
        "with a broker: generation left to a worker" if result["broker"] else "no broker: generation in it"
    )
    print(f"{args.database}, a burst of {result['size']:,} COURSE_PASSING_STATUS_UPDATED events, batches of "
          f"{result['batch']:,}, one consumer process ({where}; load average {os.getloadavg()[0]:.1f}):")  # fmt: skip
    for number, r in enumerate(result["rounds"], start=1):
        drained = ""
        if "drain_seconds" in r:
            drained = f"; the worker's drain {r['drain_seconds']:.1f} s ({r['drain_cpu']:.1f} s CPU)"
        print(
            f"  round {number}: {r['seconds']:.1f} s = {result['size'] / r['seconds']:,.0f} events/s "
            f"(target >= 2,000; {result['size'] / r['cpu']:,.0f} per CPU second of the consumer); "
            f"recorded {r['recorded']:,}, applied {r['done']:,}, failed {r['failed']:,}{drained}; "
            f"{r['certificates']:,} certificates issued; peak memory +{r['peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
