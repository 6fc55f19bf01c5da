"""Course-wide generation throughput: certificates decided and written per second (README "Performance").

For each database (SQLite, PostgreSQL) and course size (10,000 and 100,000 learners; 1,000,000 with --large)
it loads a fresh course (mixed modes, grades around the pass mark, a few allowlisted and beta testers), then:

  set-based   the course-wide path: chunks of CERTIFICATE_GENERATION_CHUNK_SIZE decided and written in bulk,
              run in this process (one worker), as `coursecerts generate_course_certificates` does;
  per-learner each learner through certificate_generation_attempt, as Open edX runs one task per learner
              (measured on the first --sample learners: its rate does not depend on the course size);
  ceiling     a bare bulk upsert of the same certificate rows, with no rules and no history;
  grade events  --sample learners' grades become passing, one event each in its own transaction
              (grades.services.course_grade_update, as the REST API, the console and the events-in consumer
              call it), each recording the generation it owes in the outbox; then one worker's drain
              (events.services.outbox_drain) decides and writes them in micro-batches (issue 20). Timed
              apart: the events (their commits' kicks held back, as a queue holds them for a busy worker)
              and the drain, whose learners/s is the grade-event path's figure.

The set-based path runs as a deployment runs it: the outgoing events (the outbox) and the Open Badges credentials
are written in each chunk. Set-based and ceiling run --rounds times, interleaved, and the medians count. It prints
a table, the ratios against the targets (set-based >= 30x per-learner and >= 1.0x the ceiling (issue 20);
100,000 learners on PostgreSQL in under 20 s) and the peak RSS above the process baseline in each phase.

    .venv/bin/python bench/generate.py                 # 10k and 100k, SQLite and PostgreSQL
    .venv/bin/python bench/generate.py --sizes 10000   # quicker
    .venv/bin/python bench/generate.py --large         # adds 1,000,000
PostgreSQL is reached at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/coursecerts_bench);
the database is dropped and created again for each size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from statistics import median

from benchdb import child_database  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench")


class PeakRss:
    """Samples this process's resident memory every 20 ms; .peak_mb is the highest seen above the start."""

    def __init__(self):
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return (self.peak - self.start) / 2**20


# --- the measuring child process -------------------------------------------------------------------------


def load_course(size: int):
    import random

    from django.contrib.auth import get_user_model

    from coursecerts.courses.services import course_run_upsert
    from coursecerts.enrollments.models import CourseEnrollment
    from coursecerts.grades.models import PersistentCourseGrade
    from coursecerts.learners.models import LearnerProfile

    rng = random.Random(5)
    run, _ = course_run_upsert(
        course_key="course-v1:Bench+Gen101+2026", display_name="Bench", self_paced=True
    )
    User = get_user_model()
    users = User.objects.bulk_create((User(username=f"b{i:07d}") for i in range(size)), batch_size=5000)
    LearnerProfile.objects.bulk_create(
        (LearnerProfile(user=u, name=f"Learner {u.pk}") for u in users), batch_size=5000
    )
    modes = ["audit", "honor", "verified", "verified", "professional", "masters"]
    CourseEnrollment.objects.bulk_create(
        (CourseEnrollment(user=u, course=run, mode=rng.choice(modes)) for u in users), batch_size=5000
    )
    grades = []
    for u in users:
        percent = min(max(rng.gauss(0.7, 0.15), 0), 1)
        grades.append(PersistentCourseGrade(user=u, course=run, percent_grade=percent, passed=percent >= 0.6))
    PersistentCourseGrade.objects.bulk_create(grades, batch_size=5000)
    return run  # not the users: a worker holds none of them, and 100,000 live objects slow every GC pass


def reset_certificates():
    from coursecerts.certificates.models import (
        CertificateGenerationHistory,
        CertificateGenerationJob,
        CertificateHistory,
        GeneratedCertificate,
    )

    for model in (
        CertificateHistory,
        CertificateGenerationJob,
        CertificateGenerationHistory,
        GeneratedCertificate,
    ):
        model.objects.all().delete()


def _work_chunks(chunk_ids) -> None:
    """What one worker process does: take every chunk it can claim (the claim keeps others off it)."""
    from django.db import connections

    from coursecerts.certificates.services.generation_jobs import chunk_run

    for chunk_id in chunk_ids:
        chunk_run(chunk_id=chunk_id)
    connections.close_all()


def cpu_seconds() -> tuple[float, int | None]:
    """CPU seconds used so far by this process and, on PostgreSQL on this host, by its connection's server
    process (whose pid comes second: a figure across two server processes means nothing): the work a run
    costs, which a busy machine does not inflate as it does wall-clock time."""
    from django.db import connection

    used, pid = time.process_time(), None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        except OSError:  # the server runs elsewhere: this process's CPU only
            pid = None
    return used, pid


def measure_set_based(run, processes: int = 1) -> dict:
    """One worker: `processes` processes taking chunks as a Celery worker's prefork pool does (-c N)."""
    import multiprocessing

    from django.db import connections

    from coursecerts.certificates.generation_selectors import job_summary
    from coursecerts.certificates.services.generation_jobs import course_generation_start

    with PeakRss() as rss:
        cpu_started = cpu_seconds()
        started = time.perf_counter()
        job, _ = course_generation_start(course_run=run, scope="all", dispatch=False)
        chunk_ids = list(job.chunks.order_by("index").values_list("pk", flat=True))
        if processes == 1:  # in this process, on its connection (whose server process cpu_seconds reads)
            from coursecerts.certificates.services.generation_jobs import chunk_run

            for chunk_id in chunk_ids:
                chunk_run(chunk_id=chunk_id)
        else:
            connections.close_all()
            pool = [multiprocessing.get_context("fork").Process(target=_work_chunks, args=(chunk_ids,))
                    for _ in range(processes)]  # fmt: skip
            for process in pool:
                process.start()
            for process in pool:
                process.join()
        elapsed = time.perf_counter() - started
        cpu_ended = cpu_seconds()
    # one process: its CPU and its server process's; else (forked workers) this process's only, which says little
    cpu = cpu_ended[0] - cpu_started[0] if cpu_ended[1] == cpu_started[1] and processes == 1 else None
    summary = job_summary(job)
    assert summary["state"] == "succeeded", summary
    return {
        "learners": job.total,
        "seconds": elapsed,
        "cpu": cpu,  # this process and its database server process (one process only)
        "written": summary["result"]["changed"],
        "rss_mb": rss.peak_mb,
    }


def measure_per_learner(run, sample: int) -> dict:
    from django.contrib.auth import get_user_model

    from coursecerts.certificates.services import certificate_generation_attempt

    subset = list(get_user_model().objects.order_by("pk")[:sample])
    with PeakRss() as rss:
        started = time.perf_counter()
        for user in subset:
            certificate_generation_attempt(user=user, course_run=run, source="bench")
        elapsed = time.perf_counter() - started
    return {"learners": len(subset), "seconds": elapsed, "rss_mb": rss.peak_mb}


def measure_ceiling(run, size: int) -> dict:
    """The same certificate rows the rules produced, upserted in bulk with no rules and no history."""
    from django.utils import timezone

    from coursecerts.certificates.models import GeneratedCertificate, new_verify_uuid

    written = dict(GeneratedCertificate.objects.filter(course=run).values_list("user_id", "status"))
    reset_certificates()
    now = timezone.now()
    rows = [
        GeneratedCertificate(
            user_id=user_id, course=run, status=status, mode="verified", grade="0.85", name="Learner",
            verify_uuid=new_verify_uuid(), issued_date=now, course_title="Bench",
        )
        for user_id, status in written.items()
    ]  # fmt: skip
    with PeakRss() as rss:
        cpu_started = cpu_seconds()
        started = time.perf_counter()
        GeneratedCertificate.objects.bulk_create(
            rows, batch_size=1000, update_conflicts=True, unique_fields=["user", "course"],
            update_fields=["status", "mode", "grade", "name", "issued_date", "course_title"],
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        cpu_ended = cpu_seconds()
    cpu = cpu_ended[0] - cpu_started[0] if cpu_ended[1] == cpu_started[1] else None
    return {"learners": size, "written": len(rows), "seconds": elapsed, "cpu": cpu, "rss_mb": rss.peak_mb}


def measure_grade_events(run, sample: int) -> dict:
    """`sample` learners' grades become passing, one event and transaction each, then one drain of what they
    owe. Their grades are made failing first (not timed) so that each event is a change to passing."""
    from unittest import mock

    from django.contrib.auth import get_user_model

    from coursecerts.events import services as outbox
    from coursecerts.grades.models import PersistentCourseGrade
    from coursecerts.grades.services import course_grade_update

    users = list(get_user_model().objects.order_by("-pk")[:sample])  # not the per-learner path's learners
    PersistentCourseGrade.objects.filter(course=run, user__in=users).update(passed=False, percent_grade=0.3)
    with mock.patch.object(outbox, "outbox_kick", lambda: None):  # queued for a worker, not run in the commit
        started = time.perf_counter()
        for user in users:
            course_grade_update(user=user, course_run=run, percent_grade=0.9, passed=True)
        recorded = time.perf_counter() - started
    with PeakRss() as rss:
        started = time.perf_counter()
        outcomes = outbox.outbox_drain()
        drained = time.perf_counter() - started
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    return {"learners": len(users), "seconds": drained, "events_seconds": recorded, "rss_mb": rss.peak_mb,
            "entries": len(outcomes)}  # fmt: skip


def _median_row(rows: list[dict]) -> dict:
    """The round with the median time, with every round's seconds beside it."""
    row = sorted(rows, key=lambda r: r["seconds"])[len(rows) // 2]
    return {**row, "rounds": [r["seconds"] for r in rows], "cpus": [r.get("cpu") for r in rows]}


def child(size: int, sample: int, processes: int, rounds: int) -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("coursecerts").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run = load_course(size)
    set_based, ceiling = [], []
    for _ in range(rounds):  # interleaved (A, B, A, B...): a change of the machine's load falls on both
        reset_certificates()
        set_based.append(measure_set_based(run))
        ceiling.append(measure_ceiling(run, size))  # the rows the rules just produced, upserted bare
    result = {"set_based": _median_row(set_based), "ceiling": _median_row(ceiling)}
    if processes > 1:
        reset_certificates()
        result[f"set_based_{processes}p"] = measure_set_based(run, processes)
    reset_certificates()
    result["per_learner"] = measure_per_learner(run, sample)
    result["grade_events"] = measure_grade_events(run, sample)
    print(json.dumps(result))


# --- the driver -----------------------------------------------------------------------------------------


def run_child(database: str, size: int, sample: int, processes: int, rounds: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coursecerts.settings", "LOG_LEVEL": "WARNING"}
    # The learners' issue emails are sent by a worker after commit; under eager Celery (no broker here) they would
    # be sent inside each chunk's commit and timed as generation. LEARNER_EMAILS_ENABLED=true measures that.
    env.setdefault("LEARNER_EMAILS_ENABLED", "false")
    with child_database(env, database, POSTGRES_URL):
        command = [sys.executable, __file__, "--child", "--sizes", str(size), "--sample", str(sample),
                   "--processes", str(processes), "--rounds", str(rounds)]  # fmt: skip
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{database} {size}: child failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cpu_ratio(ceiling: dict, set_based: dict) -> str:
    """The ceiling's CPU seconds over the set-based path's (medians of the rounds; this process and, on
    PostgreSQL, its server process), as a speed ratio."""
    if not ceiling.get("cpus") or None in ceiling["cpus"] + set_based["cpus"]:
        return "n/a"
    return f"{median(ceiling['cpus']) / median(set_based['cpus']):.2f}x"


def _pairs(first: list[float], second: list[float]) -> str:
    return ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(first, second, strict=True))


def rate(row: dict) -> float:
    return row["learners"] / row["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--large", action="store_true", help="also 1,000,000 learners")
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--sample", type=int, default=2000, help="learners timed on the per-learner path")
    parser.add_argument(
        "--processes", type=int, default=2,
        help="also time the set-based path with one worker of N processes (PostgreSQL only; SQLite has one writer)",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=int, default=3, help="set-based and ceiling runs, interleaved (the medians count)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.sizes[0], args.sample, args.processes, args.rounds)
    sizes = args.sizes + ([1_000_000] if args.large else [])
    print(
        f"{'database':<11}{'learners':>10}  {'path':<12}{'seconds':>9}{'learners/s':>12}{'peak RSS MB':>13}"
    )
    verdicts = []
    for database in args.databases:
        for size in sizes:
            processes = args.processes if database == "postgresql" else 1
            result = run_child(database, size, min(args.sample, size), processes, args.rounds)
            paths = [p for p in result if p.startswith("set_based")]
            paths += ["per_learner", "grade_events", "ceiling"]
            for path in paths:
                row = result[path]
                figures = f"{row['seconds']:>9.2f}{rate(row):>12,.0f}{row['rss_mb']:>13.1f}"
                print(f"{database:<11}{size:>10,}  {path:<14}{figures}")
            fast, slow, ceiling = (
                rate(result["set_based"]),
                rate(result["per_learner"]),
                rate(result["ceiling"]),
            )
            verdicts.append(
                f"{database} {size:,}: set-based = {fast / slow:.1f}x per-learner (target >= 30x), "
                f"{fast / ceiling:.2f}x the bulk-upsert ceiling (target >= 1.0x; rounds set-based/ceiling "
                f"{_pairs(result['set_based']['rounds'], result['ceiling']['rounds'])} s; by CPU "
                f"{_cpu_ratio(result['ceiling'], result['set_based'])}), "
                f"{result['set_based']['seconds']:.1f} s for the course"
                + (f" ({result[f'set_based_{processes}p']['seconds']:.1f} s with one worker of {processes} processes)"
                   if processes > 1 else "")
            )  # fmt: skip
            events = result["grade_events"]
            verdicts.append(
                f"{database} {size:,}: grade events: {events['learners']:,} events in {events['events_seconds']:.2f} s"
                f" ({events['learners'] / events['events_seconds']:,.0f}/s, one transaction each), drained by one"
                f" worker in {events['seconds']:.2f} s: {rate(events):,.0f} learners/s (target >= 1,000)"
            )  # fmt: skip
    print()
    print("\n".join(verdicts))
    print("(per-learner and grade events timed on", args.sample, "learners each; one process, one worker)")


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): per database, the set-based path against the bulk-upsert ceiling (its
    rounds interleaved in the child, A, B, A, B...; medians) and against the per-learner path, and the per-learner
    rate on its own. Quick: 10,000 learners on SQLite; else 100,000 on SQLite and PostgreSQL."""
    from rows import Row

    size, sample, databases = (
        (10_000, 1000, ["sqlite"]) if quick else (100_000, 2000, ["sqlite", "postgresql"])
    )
    rounds = 3
    out = []
    for database in databases:
        result = run_child(database, size, sample, 1, rounds)
        fast, slow, ceiling = rate(result["set_based"]), rate(result["per_learner"]), rate(result["ceiling"])
        pairs = _pairs(result["set_based"]["rounds"], result["ceiling"]["rounds"])
        by_cpu = _cpu_ratio(result["ceiling"], result["set_based"])
        out += [
            Row(f"generation set-based vs bulk-upsert ceiling, {database} {size:,}", fast, "learners/s",
                anchor=ceiling, anchor_name="Django bulk upsert", target="ratio >= 1.0", rounds=rounds,
                note=f"rounds set-based/ceiling {pairs} s; by CPU {by_cpu}"),
            Row(f"generation set-based vs per-learner, {database} {size:,}", fast, "learners/s",
                anchor=slow, anchor_name="per-learner", target="ratio >= 30", rounds=rounds,
                note=f"per-learner timed once on {result['per_learner']['learners']:,} learners, after the rounds"),
            Row(f"generation per-learner attempt, {database}", slow, "learners/s",
                note=f"{result['per_learner']['learners']:,} learners, certificate_generation_attempt each"),
            Row(f"grade events drained in micro-batches, {database}", rate(result["grade_events"]), "learners/s",
                target="figure >= 1000",
                note=f"{result['grade_events']['learners']:,} events, one transaction each "
                f"({result['grade_events']['learners'] / result['grade_events']['events_seconds']:,.0f}/s), "
                "then one drain"),
        ]  # fmt: skip
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
