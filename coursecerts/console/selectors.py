"""The console's reads: what the runs list and a run's page show, each a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from coursecerts.certificates.models import (
    CertificateGenerationJob,
    CertificateStatuses,
    GeneratedCertificate,
)
from coursecerts.certificates.services.reconcile import course_reconcile
from coursecerts.courses.models import CourseRun


@dataclass
class RunSummary:
    run: CourseRun
    by_status: dict[str, int] = field(default_factory=dict)
    by_mode: dict[str, int] = field(default_factory=dict)  # downloadable certificates
    eligible_without_certificate: int = 0  # the reconcile figure
    latest_job: CertificateGenerationJob | None = None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def run_summaries(runs: list[CourseRun]) -> list[RunSummary]:
    """Each run with its certificates by status and by mode, the learners the rules would give a certificate who
    hold none (reconcile_certificates' "missing", computed the same way), and its latest generation job."""
    summaries = {run.pk: RunSummary(run=run) for run in runs}
    counts = (
        GeneratedCertificate.objects.filter(course__in=runs)
        .values_list("course_id", "status", "mode")
        .annotate(n=Count("id"))
        .order_by()
    )
    for course_id, status, mode, n in counts:
        summary = summaries[course_id]
        summary.by_status[status] = summary.by_status.get(status, 0) + n
        if status == CertificateStatuses.DOWNLOADABLE:
            summary.by_mode[mode] = summary.by_mode.get(mode, 0) + n
    for job in _latest_jobs(runs):
        summaries[job.course_id].latest_job = job
    for summary in summaries.values():
        summary.eligible_without_certificate = len(course_reconcile(course_run=summary.run)["missing"])
    return list(summaries.values())


def _latest_jobs(runs: list[CourseRun]) -> list[CertificateGenerationJob]:
    latest: dict = defaultdict(lambda: None)
    jobs = CertificateGenerationJob.objects.filter(course__in=runs).order_by("course_id", "-created")
    for job in jobs.only("id", "course_id", "state", "done", "total", "created", "scope"):
        latest[job.course_id] = latest[job.course_id] or job
    return [job for job in latest.values() if job is not None]
