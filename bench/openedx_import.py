"""import_openedx throughput (issue 16): N certificates with their learners, profiles, enrollments and grades, in
10 course runs, from MariaDB (Open edX's schema, tests/openedx/schema.sql) into PostgreSQL. Prints rows/s per
table, the total time, and the import process's peak memory (max RSS), for each size given: memory stays flat
when the peak does not grow with N. Then a second run (nothing changed: every table without a modified timestamp
read and compared).

    .venv/bin/python bench/openedx_import.py                          # 100,000 and 1,000,000
    .venv/bin/python bench/openedx_import.py --sizes 10000

The source is filled with MariaDB's sequence engine (INSERT ... SELECT FROM seq_1_to_N), so that making a
million rows takes seconds. PostgreSQL is reached at BENCH_OPENEDX_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/coursecerts_bench_openedx); that database and the MariaDB database
BENCH_OPENEDX_MARIADB_NAME (default edxapp_h18_bench) are dropped and created again.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchdb import recreate_postgres  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.openedx.edxdb import EdxDatabase  # noqa: E402

POSTGRES_URL = os.environ.get(
    "BENCH_OPENEDX_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench_openedx"
)
MARIADB_NAME = os.environ.get("BENCH_OPENEDX_MARIADB_NAME", "edxapp_h18_bench")
COURSES = 10


def fill(db: EdxDatabase, n: int) -> None:
    course = f"CONCAT('course-v1:Bench+C', seq MOD {COURSES}, '+2026')"
    db.insert("organizations_organization", [{"name": "Bench", "short_name": "Bench", "created": "2026-01-01",
                                               "modified": "2026-01-01"}])  # fmt: skip
    db.insert(
        "course_overviews_courseoverview",
        [
            {"id": f"course-v1:Bench+C{i}+2026", "org": "Bench", "display_name": f"Course {i}",
             "display_number_with_default": f"C{i}", "end": "2026-01-01", "certificates_display_behavior": "end",
             "cert_html_view_enabled": 1, "has_any_active_web_certificate": 1, "modified": "2026-01-01"}
            for i in range(COURSES)
        ],
    )  # fmt: skip
    statements = [
        "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined) SELECT seq, '!', 0, CONCAT('learner', seq), '', '', CONCAT('l', seq, '@example.com'), "
        "0, 1, '2025-01-01' FROM seq_1_to_{n}",
        "INSERT INTO auth_userprofile (name, meta, courseware, language, location, user_id) "
        "SELECT CONCAT('Learner Number ', seq), '', '', '', '', seq FROM seq_1_to_{n}",
        "INSERT INTO student_courseenrollment (course_id, created, is_active, mode, user_id) "
        "SELECT {course}, '2025-01-02', 1, 'verified', seq FROM seq_1_to_{n}",
        "INSERT INTO grades_persistentcoursegrade (created, modified, user_id, course_id, course_version, "
        "grading_policy_hash, percent_grade, letter_grade, passed_timestamp) "
        "SELECT '2025-05-01', '2025-05-01', seq, {course}, '', '', 0.8, 'B', '2025-05-01' FROM seq_1_to_{n}",
        "INSERT INTO certificates_generatedcertificate (course_id, verify_uuid, download_uuid, download_url, grade, "
        "`key`, distinction, status, mode, name, created_date, modified_date, error_reason, user_id) "
        "SELECT {course}, REPLACE(UUID(), '-', ''), '', '', '0.8', '', 0, 'downloadable', 'verified', "
        "CONCAT('Learner Number ', seq), '2025-06-01', '2025-06-01', '', seq FROM seq_1_to_{n}",
    ]
    for sql in statements:
        db.execute(sql.format(n=n, course=course))


def run_import(source_url: str) -> tuple[float, int, str]:
    env = {**os.environ, "DATABASE_URL": POSTGRES_URL}
    started = time.monotonic()
    done = subprocess.run(
        [str(ROOT / ".venv/bin/coursecerts"), "import_openedx", "--database-url", source_url, "-v", "0",
         "--skip-checks"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb, done.stdout


def table_lines(output: str) -> list[str]:
    figures = []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 7 and parts[1].isdigit() and int(parts[1]) >= 1000:
            rows, seconds = int(parts[1]), float(parts[6])
            figures.append(
                f"  {parts[0]:<40} {rows:>9} rows {seconds:>7.1f} s {rows / max(seconds, 1e-9):>9.0f} rows/s"
            )
    return figures


def measure(n: int) -> dict:
    """n certificates made in MariaDB and imported twice into a fresh PostgreSQL database: each import's seconds
    and output, and the peak memory of the child processes after the first."""
    db = EdxDatabase(MARIADB_NAME)
    print(f"load average: {os.getloadavg()[0]:.1f}")
    started = time.monotonic()
    fill(db, n)
    print(f"\n{n:,} certificates (and learners, profiles, enrollments, grades) generated in MariaDB "
          f"in {time.monotonic() - started:.0f} s")  # fmt: skip
    recreate_postgres(POSTGRES_URL)
    subprocess.run(
        [str(ROOT / ".venv/bin/coursecerts"), "migrate", "-v", "0", "--skip-checks"],
        env={**os.environ, "DATABASE_URL": POSTGRES_URL}, check=True,
    )  # fmt: skip
    try:
        first, peak_kb, first_output = run_import(db.url)
        second, _, second_output = run_import(db.url)
    finally:
        db.drop()
    return {"first": first, "peak_kb": peak_kb, "first_output": first_output, "second": second,
            "second_output": second_output}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    for n in args.sizes:
        result = measure(n)
        print(
            f"first import: {result['first']:.0f} s in all, peak memory of the processes so far "
            f"{result['peak_kb'] / 1024:.0f} MB"
        )
        print("\n".join(table_lines(result["first_output"])))
        print(f"second import (nothing changed): {result['second']:.0f} s")
        print("\n".join(table_lines(result["second_output"])))


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): certificates imported per second by import_openedx (the whole first
    import, every table, from MariaDB into PostgreSQL), and the time for 1,000,000 (target: at most 300 s).
    Quick: 100,000 certificates, the time for 1,000,000 projected at the rate measured, start-up included (said in
    the note); else 1,000,000 imported."""
    from rows import Row

    n, full = (100_000 if quick else 1_000_000), 1_000_000
    result = measure(n)
    rate = n / result["first"]
    note = f"peak memory {result['peak_kb'] / 1024:.0f} MB; second import (nothing changed) {result['second']:.1f} s"
    return [
        Row(f"import_openedx, {n:,} certificates", rate, "certificates/s", note=f"{n / rate:.1f} s; " + note),
        Row(f"import_openedx, {full:,} certificates", full / rate, "s", target="figure <= 300",
            note=f"projected from {n:,} certificates, start-up included" if n != full else "measured"),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
