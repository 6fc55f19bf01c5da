"""The course runs' admin with what the certificates app adds to it: the generation actions (start, dry run,
dry run as CSV), the previews of each mode and the certificate counts. It extends the courses app's admin, so
that `courses` knows nothing of certificates (ADR 0017)."""

import dataclasses

from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from coursecerts.certificates.eligibility import Reason
from coursecerts.certificates.generation_dry_run import LearnerOutcome, course_generation_dry_run
from coursecerts.certificates.generation_selectors import SCOPE_COUNTS
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services.generation_jobs import course_generation_start
from coursecerts.common.csv_export import SafeWriter
from coursecerts.courses import admin as courses_admin
from coursecerts.courses.models import CourseRun

admin.site.unregister(CourseRun)


@admin.register(CourseRun)
class CourseRunAdmin(courses_admin.CourseRunAdmin):
    actions = ["generate_certificates", "generate_certificates_dry_run", "generate_certificates_dry_run_csv"]

    @admin.action(description="Generate certificates (all learners without one)", permissions=["change"])
    def generate_certificates(self, request, queryset):
        for run in queryset:
            job, created = course_generation_start(course_run=run, scope="all", requested_by=request.user)
            verb = "Started" if created else "Resumed"
            link = reverse("admin:certificates_certificategenerationjob_change", args=[job.pk])
            self.message_user(
                request,
                format_html(
                    '{} generation for {}: <a href="{}">{} learners</a>.', verb, run.id, link, job.total
                ),
            )

    @admin.action(description="Dry run: who would get a certificate, and why not", permissions=["view"])
    def generate_certificates_dry_run(self, request, queryset):
        for run in queryset:
            summary = course_generation_dry_run(course_run=run, scope="all")
            counted = SCOPE_COUNTS["all"]
            self.message_user(
                request, f"Dry run of {run.id}: {summary['total']} {counted}; nothing was written."
            )
            outcomes = ", ".join(f"{name}: {count}" for name, count in _by_count(summary["outcomes"]))
            self.message_user(request, f"Outcomes for {run.id}: {outcomes or 'none'}.")
            if summary["reasons"]:
                reasons = "; ".join(
                    f"{Reason(name).label}: {count}" for name, count in _by_count(summary["reasons"])
                )
                self.message_user(request, f"No new certificate in {run.id}, by reason: {reasons}.")

    @admin.action(
        description="Dry run as CSV: who would get what, one line per learner", permissions=["view"]
    )
    def generate_certificates_dry_run_csv(self, request, queryset):
        """The dry run's lines (as generate_course_certificates --dry-run --output writes them) of the selected
        runs, as a CSV download."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="certificate-dry-run.csv"'
        writer = SafeWriter(response)
        writer.writerow(["course_id", *(f.name for f in dataclasses.fields(LearnerOutcome))])
        for run in queryset:
            course_generation_dry_run(
                course_run=run, scope="all",
                each=lambda line, run=run: writer.writerow([str(run.id), *dataclasses.astuple(line)]),
            )  # fmt: skip
        return response

    def get_readonly_fields(self, request, obj=None):
        shown = ("certificate_previews", "certificates_by_status") if obj else ()
        return (*super().get_readonly_fields(request, obj), *shown)

    @admin.display(description="certificate previews")
    def certificate_previews(self, run):
        """A link to the preview (sample data) of each of the run's modes."""
        preview = reverse("certificates:preview", args=[run.id])
        modes = [mode.mode_slug for mode in run.modes.all()] or ["verified"]
        return format_html_join(" · ", '<a href="{}?preview={}">{}</a>', ((preview, m, m) for m in modes))

    @admin.display(description="certificates")
    def certificates_by_status(self, run):
        """How many certificates the run has in each status, each a link to them in the certificates list."""
        counts = (
            GeneratedCertificate.objects.filter(course=run)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by("status")
        )
        changelist = reverse("admin:certificates_generatedcertificate_changelist")
        links = format_html_join(
            " · ",
            '<a href="{}?{}">{} {}</a>',
            (
                (
                    changelist,
                    urlencode({"course__id__exact": str(run.id), "status__exact": status}),
                    status,
                    n,
                )
                for status, n in counts
            ),
        )
        return links or "none yet"


def _by_count(counts: dict) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: -item[1])
