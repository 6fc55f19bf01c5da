"""Generate (or regenerate by status) the certificates of a whole course run, set-based and in chunks.

With Celery in eager mode (the default, no broker) the chunks run here, one after the other; with a broker
(CELERY_BROKER_URL) they are queued for the workers and this command follows their progress, queueing again the
chunks of workers that died. Running it again for a course whose run was interrupted resumes that run; while
another process works on the run, the command follows it to its end (or, with --no-wait, says it left it
running). It exits non-zero only when the run failed.

Examples:

    coursecerts generate_course_certificates course-v1:OLI+DATA101+2026_SP --dry-run
    coursecerts generate_course_certificates course-v1:OLI+DATA101+2026_SP --dry-run --output who-gets-what.csv
    coursecerts generate_course_certificates course-v1:OLI+DATA101+2026_SP
    coursecerts generate_course_certificates course-v1:OLI+DATA101+2026_SP --statuses notpassing downloadable
    coursecerts generate_course_certificates course-v1:OLI+DATA101+2026_SP --scope allowlist
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from coursecerts.certificates.eligibility import Reason
from coursecerts.certificates.generation_dry_run import LearnerOutcome, course_generation_dry_run
from coursecerts.certificates.generation_selectors import (
    REGENERATION_STATUSES,
    SCOPE_COUNTS,
    GenerationRequestError,
    job_summary,
)
from coursecerts.certificates.management.course_run import course_run_from_argument
from coursecerts.certificates.management.progress import progress_bar
from coursecerts.certificates.models import GenerationScopes, JobStates
from coursecerts.certificates.services.generation_jobs import (
    chunk_run,
    course_generation_recover,
    course_generation_start,
)
from coursecerts.certificates.services.generation_leases import heartbeat_seconds
from coursecerts.common.csv_export import SafeWriter

POLL_SECONDS = 0.5


def _scope(options) -> str:
    """The run's scope: --statuses means regeneration; --usernames alone means those learners (naming learners
    never widens to the whole course); either with a conflicting option is refused."""
    if options["statuses"] and (options["scope"] or options["usernames"]):
        raise CommandError("Use either --statuses (regeneration) or --scope/--usernames, not both")
    if options["statuses"]:
        return GenerationScopes.STATUSES
    if options["usernames"] and options["scope"] not in (None, GenerationScopes.LEARNERS):
        raise CommandError(
            f"--usernames narrows a run only with --scope learners; --scope {options['scope']} would cover "
            "other learners too"
        )
    if options["usernames"]:
        return GenerationScopes.LEARNERS
    return options["scope"] or GenerationScopes.ALL


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class Command(BaseCommand):
    help = "Generate the certificates of every learner of a course run (or regenerate by status), in chunks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", help="course run key, e.g. course-v1:Org+Course+Run")
        parser.add_argument(
            "--dry-run", action="store_true", help="write nothing; say who would get what, and why"
        )
        parser.add_argument(
            "--statuses", nargs="+", metavar="STATUS", choices=[str(s) for s in REGENERATION_STATUSES],
            help="regenerate learners whose certificate has one of these statuses: "
            + ", ".join(REGENERATION_STATUSES),
        )  # fmt: skip
        parser.add_argument(
            "--scope", choices=[s for s in GenerationScopes.values if s != GenerationScopes.STATUSES],
            help="who to generate for (default: all enrolled learners without a certificate)",
        )  # fmt: skip
        parser.add_argument(
            "--usernames", nargs="+", metavar="USERNAME",
            help="only these learners (implies --scope learners; refused with another scope or --statuses)",
        )  # fmt: skip
        parser.add_argument(
            "--output", metavar="FILE.csv",
            help="with --dry-run: write one line per learner (username, certificate_status, outcome, reason, "
            "reason_message) to this CSV file",
        )  # fmt: skip
        parser.add_argument(
            "--no-wait", action="store_true",
            help="do not follow the run to its end: with a broker, queue it and return; without one, write the "
            "chunks no other process holds and return",
        )  # fmt: skip

    def handle(self, *args, **options) -> str:
        run = course_run_from_argument(options["course_key"])
        if options["output"] and not options["dry_run"]:
            raise CommandError("--output writes a dry run's report: add --dry-run")
        scope = _scope(options)
        request = {"scope": scope, "usernames": options["usernames"], "statuses": options["statuses"]}
        try:
            if options["dry_run"]:
                return self._dry_run(run, request, options["output"])
            return self._run(run, request, wait=not options["no_wait"])
        except GenerationRequestError as exc:
            raise CommandError(exc.message) from None

    def _dry_run(self, run, request, output: str | None) -> str:
        if output is None:
            summary = course_generation_dry_run(course_run=run, **request)
        else:
            summary = self._dry_run_report(run, request, output)
        self.stdout.write(
            f"[DRY RUN] {run.id}: {summary['total']} {SCOPE_COUNTS[request['scope']]}; nothing was written."
        )
        self._print_tally(summary)
        if output is not None:
            self.stdout.write(f"One line per learner in {output}")
        return ""

    def _dry_run_report(self, run, request, output: str) -> dict:
        fields = [f.name for f in dataclasses.fields(LearnerOutcome)]
        try:
            report = open(output, "w", newline="", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from None
        try:
            with report:
                writer = SafeWriter(report)
                writer.writerow(fields)
                return course_generation_dry_run(
                    course_run=run, each=lambda line: writer.writerow(dataclasses.astuple(line)), **request
                )
        except Exception:
            Path(output).unlink(missing_ok=True)  # no half report left behind
            raise

    def _run(self, run, request, *, wait: bool) -> str:
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        job, created = course_generation_start(course_run=run, dispatch=not eager, **request)
        verb = "Started" if created else "Resuming the unfinished run"
        self.stdout.write(
            f"{verb} {job.pk} for {run.id}: {job.total} learners in {_plural(job.chunks.count(), 'chunk')}."
        )
        if eager:
            self._run_here(job, wait=wait)
        elif wait:
            self._follow(job)
        summary = job_summary(job)
        if summary["state"] not in (JobStates.SUCCEEDED, JobStates.FAILED):
            self.stdout.write(
                f"Left the run running: {summary['done']}/{summary['total']} learners decided so far. Follow it "
                f"with GET /api/v1/tasks/{job.pk}, or run this command again without --no-wait."
            )
            return str(job.pk)
        self.stdout.write(f"{summary['state']}: {summary['done']}/{summary['total']} learners decided.")
        if summary["result"]:
            self._print_tally(summary["result"])
        if summary["error"]:
            raise CommandError(f"{summary['error']}. Run the command again to retry the failed chunks.")
        return ""

    def _run_here(self, job, *, wait: bool) -> None:
        """Write every chunk here (eager Celery) as a worker does (chunk_run, without its task's retries), then,
        while another process holds chunks of the run, follow it to its end, taking over any chunk whose lease
        expires (its process died)."""
        with self._progress(job) as bar:
            while True:
                for chunk_id, index in self._open_chunks(job):
                    try:
                        result = chunk_run(chunk_id=chunk_id)
                    except Exception as exc:
                        raise CommandError(
                            f"Chunk {index} failed ({type(exc).__name__}: {exc}); the chunks before it are "
                            "written. Run the command again to retry from there."
                        ) from exc
                    if result is not None:
                        bar.update(sum(result["outcomes"].values()))
                if self._finished(job, bar) or not wait:
                    return
                time.sleep(POLL_SECONDS)

    def _open_chunks(self, job) -> list[tuple[int, int]]:
        return list(
            job.chunks.exclude(state=JobStates.SUCCEEDED).order_by("index").values_list("pk", "index")
        )

    def _follow(self, job) -> None:
        """Follow the workers' progress to the run's end, queueing again, every heartbeat, the chunks whose
        worker died (course_generation_recover), so that a run never waits on a lost chunk."""
        recovered_at = time.monotonic()
        with self._progress(job) as bar:
            while not self._finished(job, bar):
                if time.monotonic() - recovered_at >= heartbeat_seconds():
                    course_generation_recover(job)
                    recovered_at = time.monotonic()
                time.sleep(POLL_SECONDS)

    def _progress(self, job) -> tqdm:
        return progress_bar(self.stderr, total=job.total, initial=job.done, unit="learner", desc="Generating")

    def _finished(self, job, bar) -> bool:
        summary = job_summary(job)
        bar.update(summary["done"] - bar.n)
        return summary["state"] in (JobStates.SUCCEEDED, JobStates.FAILED)

    def _print_tally(self, tally: dict) -> None:
        self.stdout.write("Outcomes:")
        for outcome, count in sorted(tally["outcomes"].items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {outcome:<28}{count:>8}")
        if tally["reasons"]:
            self.stdout.write("Learners this run gives no new certificate, by reason:")
            for reason, count in sorted(tally["reasons"].items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {Reason(reason).label:<48}{count:>8}")
