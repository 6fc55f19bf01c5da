"""Webhook delivery throughput (issue 13): outgoing events relayed to one endpoint on a local receiver.

For each database (SQLite, PostgreSQL) it makes a fresh database, registers an endpoint on a receiver running in
another process on loopback (http.server, HTTP/1.1 keep-alive, answering 204 after checking every message's
signature with the official `standardwebhooks` library), writes N outgoing events, then times one
`relay_once()`: the hand-over (one pending message per event, in bulk, with the cursor) and the deliveries
(claimed in batches, signed, POSTed by WEBHOOK_DELIVERY_THREADS threads, each attempt logged).

    .venv/bin/python bench/webhooks.py                          # 10,000 events, SQLite and PostgreSQL
    .venv/bin/python bench/webhooks.py --events 2000 --databases sqlite --threads 32
PostgreSQL is reached at BENCH_WEBHOOKS_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/coursecerts_bench_webhooks); that database is dropped and created again.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from benchdb import recreate_postgres  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_WEBHOOKS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench_webhooks"
)
SECRET_FILE = "secret.txt"


def receiver(port_queue, secret_path: str) -> None:
    """The receiver process: verifies each message (once its endpoint's secret is known) and counts."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from standardwebhooks import Webhook

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # a connection per delivery thread at once (the default backlog is 5)

    stats = {"received": 0, "verified": 0, "ids": set()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        webhook = None

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if Handler.webhook is None:
                Handler.webhook = Webhook(Path(secret_path).read_text().strip())
            Handler.webhook.verify(body, dict(self.headers.items()))
            stats["received"] += 1
            stats["verified"] += 1
            stats["ids"].add(self.headers["webhook-id"])
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            reply = json.dumps({"received": stats["received"], "verified": stats["verified"],
                                "distinct_ids": len(stats["ids"])}).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def child(events: int, port: int, secret_path: str) -> None:
    import logging
    import urllib.request

    import django

    django.setup()
    logging.getLogger("coursecerts").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.utils import timezone

    from coursecerts.events.models import OutgoingEvent
    from coursecerts.events.relay import relay_once
    from coursecerts.events.webhooks.models import WebhookAttempt, WebhookMessage
    from coursecerts.events.webhooks.services import webhook_endpoint_create

    call_command("migrate", verbosity=0)
    endpoint = webhook_endpoint_create(url=f"http://127.0.0.1:{port}/hooks")
    Path(secret_path).write_text(endpoint.secret)
    now, time_ = timezone.now(), datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
    OutgoingEvent.objects.bulk_create(
        [
            OutgoingEvent(
                event_type="org.openedx.learning.certificate.created.v1",
                time=time_,
                course_key="course-v1:Bench+HOOKS+2026",
                user_id=n,
                data={
                    "certificate": {
                        "user": {
                            "id": n,
                            "is_active": True,
                            "pii": {"username": f"bench-{n:06d}", "email": "", "name": f"Learner {n}"},
                        },
                        "course": {"course_key": "course-v1:Bench+HOOKS+2026", "display_name": "Hooks"},
                        "mode": "verified",
                        "grade": "0.9",
                        "download_url": "",
                        "name": f"Learner {n}",
                        "current_status": "downloadable",
                        "previous_status": "",
                    }
                },
                verify_uuid=uuid.uuid4().hex,
                created=now,
            )
            for n in range(events)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    [outcome] = relay_once(names=["webhooks"])
    elapsed = time.perf_counter() - started
    if outcome.error:
        raise SystemExit(outcome.error)
    stats = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/stats").read())
    sent = WebhookMessage.objects.filter(state="sent").count()
    errors = sorted(set(WebhookAttempt.objects.exclude(error="").values_list("error", flat=True)[:1000]))
    print(json.dumps({"seconds": elapsed, "handed": outcome.handed, "done": outcome.done, "sent": sent,
                      "attempts": WebhookAttempt.objects.count(), "errors": errors, **stats}))  # fmt: skip


def run_child(database: str, events: int, threads: int) -> dict:
    queue = multiprocessing.Queue()
    with tempfile.TemporaryDirectory() as tmp:
        secret_path = f"{tmp}/{SECRET_FILE}"
        server = multiprocessing.Process(target=receiver, args=(queue, secret_path), daemon=True)
        server.start()
        port = queue.get(timeout=10)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
            "LOG_LEVEL": "ERROR",
            "CELERY_BROKER_URL": "memory://",
            "COURSECERTS_VAR_DIR": tmp,
            "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",
            "WEBHOOK_DELIVERY_THREADS": str(threads),
            "EVENT_BUS_PRODUCER": "",
        }
        if database == "postgresql":
            recreate_postgres(POSTGRES_URL)
            env["DATABASE_URL"] = POSTGRES_URL
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        command = [sys.executable, __file__, "--child", "--events", str(events), "--port", str(port),
                   "--secret-path", secret_path]  # fmt: skip
        try:
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        finally:
            server.terminate()
            server.join()
    if done.returncode:
        raise SystemExit(f"{database}: child failed\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=16, help="WEBHOOK_DELIVERY_THREADS")
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--secret-path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.events, args.port, args.secret_path)
    print(
        f"{'database':<11}{'events':>8}{'threads':>8}{'seconds':>9}{'deliveries/s':>14}  received (verified)"
    )
    for database in args.databases:
        r = run_child(database, args.events, args.threads)
        print(
            f"{database:<11}{args.events:>8,}{args.threads:>8}{r['seconds']:>9.2f}{r['sent'] / r['seconds']:>14,.0f}"
            f"  {r['received']:,} ({r['verified']:,} verified, {r['distinct_ids']:,} distinct ids, "
            f"{r['sent']:,} sent, {r['attempts']:,} attempts)"
        )
        for error in r["errors"][:5]:
            print(f"{'':<11}failed attempt: {error}")
    return None


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): deliveries per second on each database (target: 500/s at least)."""
    from rows import Row

    events, databases = (2000, ["sqlite"]) if quick else (10_000, ["sqlite", "postgresql"])
    rows = []
    for database in databases:
        r = run_child(database, events, 16)
        note = f"{events:,} events, {r['verified']:,} verified, {r['sent']:,} sent"
        rows.append(Row(f"webhook deliveries, {database}", r["sent"] / r["seconds"], "deliveries/s",
                        target="figure >= 500", note=note))  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
