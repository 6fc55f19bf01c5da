"""Learner emails for a course-wide run (README "The learner's side"): how fast the issue emails of a
--size-learner run (100,000 by default) are owed and then rendered and handed to a real SMTP server.

  hand-over   the relay hands the run's certificate.created events to the email sink, which owes one email per
              issue (LearnerEmail rows, in the cursor's transaction): events/s;
  send        learner_emails_send_due() in --processes senders at once (each claims its own batches): every
              email rendered (subject, text and HTML in the course's language, with the learner page's signed
              link and the share links) and handed to an aiosmtpd server on loopback, LEARNER_EMAIL_BATCH_SIZE
              to an SMTP connection: emails/s. The server runs in its own process, counts what it accepts and
              throws it away.

--rounds sends the same emails again (they are made due again between rounds) and prints each round and the
median; with --compare N the rounds alternate one and N SMTP connections per sender (A, B, A, B...).
Generation itself runs first with the email kick switched off, so that the phases are measured apart.

    .venv/bin/python bench/emails.py                          # PostgreSQL, 100,000 learners
    .venv/bin/python bench/emails.py --database sqlite --size 10000
PostgreSQL is reached at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/coursecerts_bench_emails,
dropped and created again).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchdb import child_database  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench_emails"
)


# --- the SMTP server (its own process) ---------------------------------------------------------------------


class CountingSink:
    def __init__(self):
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        self.accepted += len(envelope.rcpt_tos)
        return "250 OK"


def smtp_server(port: int, count_file: str) -> None:
    """Serve until SIGTERM, then write how many recipients were accepted."""
    from aiosmtpd.controller import Controller

    handler = CountingSink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stopped = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.run_until_complete(stopped.wait())
    controller.stop()
    Path(count_file).write_text(str(handler.accepted))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the measuring child process -----------------------------------------------------------------------------


def hand_over() -> dict:
    from unittest import mock

    from coursecerts.events.relay import relay_once
    from coursecerts.notifications.models import LearnerEmail
    from coursecerts.notifications.sink import EMAIL_SINK, EmailSink

    with mock.patch.object(EmailSink, "run_due", return_value=0):
        started = time.perf_counter()
        (outcome,) = relay_once(names=[EMAIL_SINK])
        elapsed = time.perf_counter() - started
    assert not outcome.error, outcome.error
    return {"events": outcome.handed, "emails": LearnerEmail.objects.count(), "seconds": elapsed}


def _send_all() -> None:
    from django.db import connections

    from coursecerts.notifications.services import learner_emails_send_due

    try:
        learner_emails_send_due()
    finally:
        connections.close_all()


def send_round(processes: int, smtp_connections: int) -> dict:
    """Every email sent by `processes` senders at once (as several Celery workers or relays would: each claims
    its own batches), each on `smtp_connections` SMTP connections (LEARNER_EMAIL_CONNECTIONS)."""
    import multiprocessing

    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    settings.LEARNER_EMAIL_CONNECTIONS = smtp_connections  # the forked senders inherit it

    from coursecerts.notifications.models import EmailStates, LearnerEmail

    LearnerEmail.objects.update(state=EmailStates.PENDING, next_attempt_at=timezone.now(), attempts=0)
    done = LearnerEmail.objects.count()
    connections.close_all()
    started = time.perf_counter()
    pool = [multiprocessing.get_context("fork").Process(target=_send_all) for _ in range(processes)]
    for process in pool:
        process.start()
    for process in pool:
        process.join()
    elapsed = time.perf_counter() - started
    assert all(process.exitcode == 0 for process in pool), "a sender failed (its traceback is above)"
    sent = LearnerEmail.objects.filter(state=EmailStates.SENT).count()
    return {"attempted": done, "sent": sent, "seconds": elapsed, "connections": smtp_connections}


def child(size: int, rounds: int, port: int, processes: int, compare: int) -> None:
    import logging
    from unittest import mock

    import django

    django.setup()
    logging.getLogger("coursecerts").setLevel(logging.WARNING)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Value
    from django.db.models.functions import Concat
    from django.test import override_settings
    from generate import load_course, measure_set_based

    call_command("migrate", verbosity=0)
    run = load_course(size)
    get_user_model().objects.update(email=Concat("username", Value("@example.org")))
    with mock.patch("coursecerts.notifications.handlers.send_after_commit"):  # the phases are measured apart
        generated = measure_set_based(run)
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    with override_settings(**smtp):
        handed = hand_over()
        # with --compare N: rounds alternate 1 and N connections (A, B, A, B...), so a change of load falls on both
        plan = [1 if index % 2 == 0 else compare for index in range(rounds)] if compare else [None] * rounds
        sends = [
            send_round(processes, connections or settings.LEARNER_EMAIL_CONNECTIONS) for connections in plan
        ]
    print(json.dumps({"learners": size, "generated": generated, "hand_over": handed, "sends": sends}))


def run(
    database: str, size: int, rounds: int, batch: int | None = None, processes: int = 1, compare: int = 0
) -> tuple[dict, int]:
    """The child's result (generation, hand-over, the send rounds) and the messages the SMTP server accepted."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coursecerts.settings", "LOG_LEVEL": "WARNING"}
    if batch:
        env["LEARNER_EMAIL_BATCH_SIZE"] = str(batch)
    port = free_port()
    with child_database(env, database, POSTGRES_URL) as tmp:
        count_file = f"{tmp}/accepted"
        server = subprocess.Popen(
            [sys.executable, __file__, "--smtp-server", str(port), "--count-file", count_file], cwd=ROOT
        )
        time.sleep(1)
        try:
            command = [sys.executable, __file__, "--child", "--size", str(size), "--rounds", str(rounds),
                       "--port", str(port), "--processes", str(processes),
                       "--compare", str(compare)]  # fmt: skip
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        accepted = int(Path(count_file).read_text()) if Path(count_file).exists() else -1
    if done.returncode:
        raise SystemExit(f"child failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), accepted


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="send rounds (the median counts)")
    parser.add_argument(
        "--batch", type=int, default=None, help="LEARNER_EMAIL_BATCH_SIZE (default: the setting)"
    )
    parser.add_argument("--processes", type=int, default=1, help="senders at once (processes)")
    parser.add_argument(
        "--compare", type=int, default=0, help="rounds alternate 1 and this many SMTP connections per sender"
    )
    parser.add_argument("--database", default="postgresql", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smtp-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smtp_server:
        return smtp_server(args.smtp_server, args.count_file)
    if args.child:
        return child(args.size, args.rounds, args.port, args.processes, args.compare)
    result, accepted = run(args.database, args.size, args.rounds, args.batch, args.processes, args.compare)
    generated, handed, sends = result["generated"], result["hand_over"], result["sends"]
    rates = [send["sent"] / send["seconds"] for send in sends]
    print(
        f"{args.database}, {result['learners']:,} learners, {args.processes} sender process(es), "
        f"batch {args.batch or 'default'}:"
    )
    print(f"  generation (emails off)  {generated['written']:,} certificates in {generated['seconds']:.1f} s")
    print(
        f"  hand-over                {handed['events']:,} events -> {handed['emails']:,} emails owed in "
        f"{handed['seconds']:.2f} s = {handed['events'] / handed['seconds']:,.0f} events/s"
    )
    for index, (send, rate) in enumerate(zip(sends, rates, strict=True), 1):
        print(
            f"  send, round {index} ({send['connections']} SMTP connection(s) per sender)  {send['sent']:,} emails in "
            f"{send['seconds']:.1f} s = {rate:,.0f} emails/s"
        )
    by_connections: dict[int, list[float]] = {}
    for send, rate in zip(sends, rates, strict=True):
        by_connections.setdefault(send["connections"], []).append(rate)
    for connections, values in sorted(by_connections.items()):
        print(
            f"  send, median with {connections} connection(s)  {statistics.median(values):,.0f} emails/s "
            f"rendered and handed to SMTP"
        )
    print(f"  the SMTP server accepted {accepted:,} messages ({len(sends)} rounds)")


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): learner emails rendered and handed to a real SMTP server on loopback
    per second (the median of the send rounds; informative, no target) and the hand-over's events per second.
    Quick: 10,000 learners on SQLite; else 100,000 on PostgreSQL (as main())."""
    from rows import Row

    database, size, rounds = ("sqlite", 10_000, 3) if quick else ("postgresql", 100_000, 3)
    result, accepted = run(database, size, rounds)
    sends, handed = result["sends"], result["hand_over"]
    rates = [send["sent"] / send["seconds"] for send in sends]
    each = ", ".join(f"{r:,.0f}" for r in rates)
    return [
        Row(f"learner emails sent, {database} {size:,}", statistics.median(rates), "emails/s", rounds=rounds,
            note=f"rounds {each}/s; one sender; the SMTP server accepted {accepted:,}"),
        Row(f"learner emails owed (hand-over), {database} {size:,}", handed["events"] / handed["seconds"],
            "events/s", note=f"{handed['events']:,} events -> {handed['emails']:,} emails owed"),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    main()
