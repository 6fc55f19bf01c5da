"""Certificate events out (README "Performance"): what the outbox costs course-wide generation, and how fast the
relay publishes to the Open edX Redis event bus.

  generation  a course of --size learners (100,000 by default) generated course-wide in one process, with the
              outbox (every certificate's event written in its chunk's transaction) and without it (the event
              writer replaced by a no-op); target: the outbox adds at most 15%.
  relay       the events that run wrote, handed to the Redis event bus sink by the relay (batches of
              EVENT_RELAY_BATCH_SIZE XADDs in one pipeline, each batch under the locked cursor); target at
              least 5,000 events/s in one process.

    .venv/bin/python bench/events.py                       # PostgreSQL, 100,000 learners
    .venv/bin/python bench/events.py --database sqlite --size 20000
PostgreSQL is reached at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/coursecerts_bench, dropped
and created again); Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/13, streams prefixed bench-events).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

from benchdb import child_database  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PREFIX = "bench-events"


def generate(run, *, outbox: bool) -> dict:
    from unittest import mock

    from generate import measure_set_based, reset_certificates

    from coursecerts.events.models import OutgoingEvent

    reset_certificates()
    OutgoingEvent.objects.all().delete()
    if outbox:
        return measure_set_based(run)
    with mock.patch("coursecerts.certificates.events.certificate_events_record", return_value=0):
        return measure_set_based(run)


def relay() -> dict:
    import redis
    from django.test import override_settings

    from coursecerts.events.models import OutgoingEvent, SinkCursor
    from coursecerts.events.relay import relay_once

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{PREFIX}-*"):
        client.delete(key)
    count = OutgoingEvent.objects.count()
    SinkCursor.objects.update_or_create(name="event_bus", defaults={"position": 0, "gaps": {}})
    bus = {
        "EVENT_BUS_PRODUCER": "edx_event_bus_redis.create_producer",
        "EVENT_BUS_REDIS_CONNECTION_URL": REDIS_URL,
        "EVENT_BUS_TOPIC_PREFIX": PREFIX,
        "EVENT_BUS_REDIS_STREAM_MAX_LEN": count + 1000,
    }
    with override_settings(**bus):
        started = time.perf_counter()
        (outcome,) = relay_once(names=["event_bus"])
        elapsed = time.perf_counter() - started
    assert not outcome.error and outcome.handed == count, outcome
    streamed = client.xlen(f"{PREFIX}-learning-certificate-lifecycle")
    for key in client.scan_iter(f"{PREFIX}-*"):
        client.delete(key)
    return {"events": count, "seconds": elapsed, "in_stream": streamed}


def child(size: int, rounds: int) -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("coursecerts").setLevel(logging.WARNING)
    from django.core.management import call_command
    from generate import load_course

    call_command("migrate", verbosity=0)
    run = load_course(size)
    without, with_outbox = [], []
    for _ in range(rounds):  # interleaved, so that a change of the machine's load falls on both
        without.append(generate(run, outbox=False))
        with_outbox.append(generate(run, outbox=True))
    result = {
        "without": median(r["seconds"] for r in without),
        "with": median(r["seconds"] for r in with_outbox),
        "without_cpu": median(r["cpu"] for r in without),
        "with_cpu": median(r["cpu"] for r in with_outbox),
        "relay": relay(),
        "learners": size,
    }
    rounds_seconds = {
        "all_without": [r["seconds"] for r in without],
        "all_with": [r["seconds"] for r in with_outbox],
    }
    print(json.dumps({**result, **rounds_seconds}))


def run_child(database: str, size: int, rounds: int) -> dict:
    """Generation with and without the outbox (rounds interleaved) and the relay, in a child process."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coursecerts.settings", "LOG_LEVEL": "WARNING"}
    # The learners' issue emails are sent by a worker after commit; under eager Celery (no broker here) they would
    # be sent inside each chunk's commit and timed as generation. LEARNER_EMAILS_ENABLED=true measures that.
    env.setdefault("LEARNER_EMAILS_ENABLED", "false")
    with child_database(env, database, POSTGRES_URL):
        command = [
            sys.executable,
            __file__,
            "--child",
            "--size",
            str(size),
            "--rounds",
            str(rounds),
        ]
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"child failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="generation runs of each kind, interleaved (the medians count)"
    )
    parser.add_argument("--database", default="postgresql", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.size, args.rounds)
    result = run_child(args.database, args.size, args.rounds)
    extra = result["with"] / result["without"] - 1
    extra_cpu = result["with_cpu"] / result["without_cpu"] - 1
    relayed = result["relay"]
    print(
        f"{args.database}, {result['learners']:,} learners, course-wide generation in one process (medians):"
    )
    print(f"  without the outbox  {result['without']:8.2f} s   CPU {result['without_cpu']:7.2f} s")
    print(
        f"  with the outbox     {result['with']:8.2f} s   CPU {result['with_cpu']:7.2f} s"
        f"   ({extra:+.1%} wall, {extra_cpu:+.1%} CPU; target <= 15%)"
    )
    print(
        "  (CPU: this process and, on PostgreSQL on this host, its server process: what a busy machine does not"
    )
    print("  inflate)")
    runs = ", ".join(
        f"{a:.1f}/{b:.1f}" for a, b in zip(result["all_without"], result["all_with"], strict=True)
    )
    print(f"  each round, without/with: {runs} s (the medians count)")
    print(
        f"relay to Redis: {relayed['events']:,} events in {relayed['seconds']:.2f} s = "
        f"{relayed['events'] / relayed['seconds']:,.0f} events/s (target >= 5,000); "
        f"{relayed['in_stream']:,} entries in the stream"
    )


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): course-wide generation with the outbox against without it (its rounds
    interleaved in the child, A, B, A, B...; medians; target: at most 1.15x the time) and the relay to the Redis
    event bus (target: 5,000 events/s at least). Quick: 10,000 learners on SQLite; else 100,000 on PostgreSQL.
    Webhook deliveries are bench/webhooks.py's rows."""
    from rows import Row

    database, size, rounds = ("sqlite", 10_000, 3) if quick else ("postgresql", 100_000, 3)
    result = run_child(database, size, rounds)
    pairs = ", ".join(
        f"{a:.2f}/{b:.2f}" for a, b in zip(result["all_without"], result["all_with"], strict=True)
    )
    relayed = result["relay"]
    return [
        Row(f"generation with the outbox vs without, {database} {size:,}", result["with"], "s",
            anchor=result["without"], anchor_name="without the outbox", target="ratio <= 1.15", rounds=rounds,
            note=f"rounds without/with {pairs} s; by CPU {result['with_cpu'] / result['without_cpu']:.2f}x"),
        Row(f"relay to the Redis event bus, {database}", relayed["events"] / relayed["seconds"], "events/s",
            target="figure >= 5000", note=f"{relayed['events']:,} events, {relayed['in_stream']:,} in the stream"),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
