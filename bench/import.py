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
    .venv/bin/python bench/import.py --rows 1000000 --direct   # a million rows, streamed from a file on disk

Each phase prints its wall time, the CPU time of the importing process (on a shared machine the wall time
grows with the load; the CPU time much less: PostgreSQL's own work is not in it) and the process's peak memory
(max RSS) after it. Through the request path the test client holds the body it sends; --direct calls
roster_file_import on the file on disk instead, so that the peak shows what the import itself holds: it stays
flat when it does not grow with --rows.
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

from benchdb import child_database  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_IMPORT_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench_import"
)
COURSE_KEY = "course-v1:Bench+IMPORT+2026"


def roster_lines(rows: int, *, changed: bool):
    yield "username,email,name,mode,is_active,percent,passed\n"
    for n in range(rows):
        mode = "verified" if n % 2 else "audit"
        percent, passed = (0.9, "true") if changed and n % 2 else (0.41 if changed else 0.4, "false")
        yield f"bench-{n:07d},bench-{n:07d}@example.org,Learner {n},{mode},true,{percent},{passed}\n"


def roster_csv(rows: int, *, changed: bool) -> str:
    return "".join(roster_lines(rows, changed=changed))


def roster_file(path: Path, rows: int, *, changed: bool) -> Path:
    with path.open("w") as out:
        out.writelines(roster_lines(rows, changed=changed))
    return path


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(rows: int, direct: bool) -> None:
    if direct:
        return child_direct(rows)
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
    result = {"rows": rows, "bytes": len(first.encode()), "baseline_mb": peak_mb()}
    started, cpu = time.perf_counter(), time.process_time()
    roster_parse(first, file_format="csv")
    result["validate"] = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}
    for label, text in (("new", first), ("unchanged", first), ("changed", second)):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.generic(
            "POST", f"/api/v1/courses/{COURSE_KEY}/import", text, content_type="text/csv"
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{label}: HTTP {response.status_code} {response.content[:500]!r}")
        result[label] = {
            "seconds": elapsed,
            "cpu": time.process_time() - cpu,
            "peak_mb": peak_mb(),
            **response.json(),
        }
    print(json.dumps(result))


def child_direct(rows: int) -> None:
    """The import as the view runs it, from a file on disk: nothing in this process holds the file."""
    import logging
    from dataclasses import asdict

    import django

    django.setup()
    logging.getLogger("coursecerts").setLevel(logging.WARNING)
    from django.core.management import call_command

    from coursecerts.api.v1.import_files import _text_lines, _validated, roster_file_import
    from coursecerts.courses.services import course_run_upsert

    call_command("migrate", verbosity=0)
    run, _ = course_run_upsert(course_key=COURSE_KEY, display_name="Import bench", self_paced=True)
    with tempfile.TemporaryDirectory() as tmp:
        first = roster_file(Path(tmp) / "first.csv", rows, changed=False)
        second = roster_file(Path(tmp) / "second.csv", rows, changed=True)
        result = {"rows": rows, "bytes": first.stat().st_size, "baseline_mb": peak_mb()}
        started, cpu = time.perf_counter(), time.process_time()
        with first.open("rb") as file:
            validated = _validated(lambda: _text_lines(file), "csv")
            for _ in validated.batches(10_000):
                pass
        result["validate"] = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}
        for label, path in (("new", first), ("unchanged", first), ("changed", second)):
            started, cpu = time.perf_counter(), time.process_time()
            with path.open("rb") as file:
                done = roster_file_import(course_run=run, file=file, file_format="csv")
            result[label] = {
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "peak_mb": peak_mb(),
                **asdict(done),
            }
    print(json.dumps(result))


def run_child(database: str, rows: int, direct: bool) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "API_IMPORT_MAX_BYTES": str(512 * 1024 * 1024),
    }
    with child_database(env, database, POSTGRES_URL):
        command = [
            sys.executable,
            __file__,
            "--child",
            "--rows",
            str(rows),
            *(["--direct"] if direct else []),
        ]
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
    parser.add_argument("--direct", action="store_true", help="call roster_file_import on a file on disk")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.rows, args.direct)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(
        f"{'database':<11}{'rows':>10}  {'phase':<10}{'seconds':>8}{'rows/s':>9}{'cpu s':>8}"
        f"{'cpu rows/s':>11}{'peak MB':>9}  counts"
    )
    for database in args.databases:
        result = run_child(database, args.rows, args.direct)
        print(f"{database:<11}{args.rows:>10,}  {'(start)':<10}{'':>36}{result['baseline_mb']:>9.0f}")
        for phase in ("validate", "new", "unchanged", "changed"):
            row = result[phase]
            counts = {k: v for k, v in row.items() if k not in ("seconds", "rows", "cpu", "peak_mb")}
            peak = f"{row['peak_mb']:>9.0f}" if "peak_mb" in row else f"{'':>9}"
            print(
                f"{database:<11}{args.rows:>10,}  {phase:<10}{row['seconds']:>8.2f}"
                f"{args.rows / row['seconds']:>9,.0f}{row['cpu']:>8.2f}{args.rows / row['cpu']:>11,.0f}{peak}"
                f"  {counts or ''}"
            )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return None


def _postgres_reachable() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES_URL.rsplit('/', 1)[0]}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): the three imports' seconds for 100,000 rows through the request path
    (targets: new at most 10 s, unchanged 3 s, every grade changed 6 s), on SQLite, and on PostgreSQL when it is
    reachable. Quick or not, 100,000 rows (under a minute for both databases): the targets are at that size, and
    a smaller import projected to it misleads (fixed costs; PostgreSQL analyzes the tables an import doubles)."""
    from rows import Row

    rows = 100_000
    databases = ["sqlite"] + (["postgresql"] if _postgres_reachable() else [])
    targets = {"new": 10, "unchanged": 3, "changed": 6}
    names = {"new": "new rows", "unchanged": "unchanged", "changed": "every grade changed"}
    out = []
    for database in databases:
        result = run_child(database, rows, direct=False)
        for phase, bound in targets.items():
            row = result[phase]
            note = (
                f"{rows / row['seconds']:,.0f} rows/s, CPU {row['cpu']:.2f} s, peak {row['peak_mb']:.0f} MB"
            )
            out.append(Row(f"import of {rows:,} rows, {names[phase]}, {database}", row["seconds"], "s",
                           target=f"figure <= {bound}", note=note))  # fmt: skip
    return out


if __name__ == "__main__":
    main()
