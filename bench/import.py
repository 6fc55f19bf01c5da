"""Bulk import throughput: POST /api/v1/courses/{course_key}/import of 100,000 learner rows (README "Performance").

For each database (SQLite, PostgreSQL) it makes a fresh database and run, then times, in-process through the
real request path (Django test client, bearer token, parsers, validation, one transaction):

  validate   parsing and validating the whole CSV (roster_parse alone);
  new        the first import: every learner, profile, enrollment and grade created;
  unchanged  the same file again: everything read and compared, nothing written;
  changed    every grade changed and half the learners now passing: bulk updates, and the generation the
             grade trigger implies queued after commit (Celery on an in-memory broker: queued, not run here;
             course-wide generation is measured by bench/generate.py).

    .venv/bin/python bench/import.py                    # 100,000 rows, SQLite and PostgreSQL
    .venv/bin/python bench/import.py --rows 10000 --databases sqlite
PostgreSQL is reached at BENCH_IMPORT_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/coursecerts_bench_import); that database is dropped and created again.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import recreate_postgres  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_IMPORT_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench_import"
)
COURSE_KEY = "course-v1:Bench+IMPORT+2026"


def roster_csv(rows: int, *, changed: bool) -> str:
    lines = ["username,email,name,mode,is_active,percent,passed"]
    for n in range(rows):
        mode = "verified" if n % 2 else "audit"
        percent, passed = (0.9, "true") if changed and n % 2 else (0.41 if changed else 0.4, "false")
        lines.append(f"bench-{n:06d},bench-{n:06d}@example.org,Learner {n},{mode},true,{percent},{passed}")
    return "\n".join(lines) + "\n"


def child(rows: int) -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("coursecerts").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from coursecerts.api.services import api_token_create
    from coursecerts.api.v1.import_files import roster_parse
    from coursecerts.courses.services import course_run_upsert

    call_command("migrate", verbosity=0)
    staff = get_user_model().objects.create(username="bench-staff", is_staff=True)
    _, token = api_token_create(user=staff)
    course_run_upsert(course_key=COURSE_KEY, display_name="Import bench", self_paced=True)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    first, second = roster_csv(rows, changed=False), roster_csv(rows, changed=True)
    result = {"rows": rows, "bytes": len(first.encode())}
    started = time.perf_counter()
    roster_parse(first, file_format="csv")
    result["validate"] = {"seconds": time.perf_counter() - started}
    for label, text in (("new", first), ("unchanged", first), ("changed", second)):
        started = time.perf_counter()
        response = client.generic(
            "POST", f"/api/v1/courses/{COURSE_KEY}/import", text, content_type="text/csv"
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{label}: HTTP {response.status_code} {response.content[:500]!r}")
        result[label] = {"seconds": elapsed, **response.json()}
    print(json.dumps(result))


def run_child(database: str, rows: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "API_IMPORT_MAX_BYTES": str(512 * 1024 * 1024),
    }
    with tempfile.TemporaryDirectory() as tmp:
        env["COURSECERTS_VAR_DIR"] = tmp
        if database == "postgresql":
            recreate_postgres(POSTGRES_URL)
            env["DATABASE_URL"] = POSTGRES_URL
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        command = [sys.executable, __file__, "--child", "--rows", str(rows)]
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{database}: child failed\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.rows)
    print(f"{'database':<11}{'rows':>9}  {'phase':<10}{'seconds':>9}{'rows/s':>10}  counts")
    for database in args.databases:
        result = run_child(database, args.rows)
        for phase in ("validate", "new", "unchanged", "changed"):
            row = result[phase]
            counts = {k: v for k, v in row.items() if k not in ("seconds", "rows")}
            print(
                f"{database:<11}{args.rows:>9,}  {phase:<10}{row['seconds']:>9.2f}"
                f"{args.rows / row['seconds']:>10,.0f}  {counts or ''}"
            )
    return None


if __name__ == "__main__":
    main()
