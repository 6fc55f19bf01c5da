from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from opaque_keys import InvalidKeyError

from coursecerts.common.admin import CourseKeyAdminMixin, adopt
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization
from coursecerts.courses.services import course_role_put, course_role_remove, course_run_upsert


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "active")
    list_filter = ("active",)
    search_fields = ("name", "short_name")


class CourseModeInline(admin.TabularInline):
    model = CourseMode
    extra = 0
    fields = ("mode_slug", "mode_display_name", "expiration_datetime")


@admin.register(CourseRun)
class CourseRunAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """Runs are saved through course_run_upsert, so a change of pacing fires its trigger. The display
    settings are checked by the model's constraints, which the form reports as errors."""

    list_display = (
        "id",
        "display_name",
        "organization",
        "self_paced",
        "start",
        "end",
        "certificates_display_behavior",
        "certificate_available_date",
        "cert_html_view_enabled",
    )
    list_filter = ("self_paced", "certificates_display_behavior", "cert_html_view_enabled", "organization")
    search_fields = ("display_name",)
    course_key_search_fields = ("id",)
    search_help_text = "Course key (or part of it) or name."
    inlines = [CourseModeInline]
    actions = ["generate_certificates", "generate_certificates_dry_run", "generate_certificates_dry_run_csv"]

    @admin.action(description="Generate certificates (all learners without one)", permissions=["change"])
    def generate_certificates(self, request, queryset):
        from coursecerts.certificates.services.generation_jobs import course_generation_start

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
        from coursecerts.certificates.eligibility import Reason
        from coursecerts.certificates.generation_dry_run import course_generation_dry_run
        from coursecerts.certificates.generation_selectors import SCOPE_COUNTS

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
        import dataclasses

        from coursecerts.certificates.generation_dry_run import LearnerOutcome, course_generation_dry_run
        from coursecerts.common.csv_export import SafeWriter

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
        return ("id", "certificate_previews", "certificates_by_status") if obj else ()

    @admin.display(description="certificate previews")
    def certificate_previews(self, run):
        """A link to the preview (sample data) of each of the run's modes."""
        preview = reverse("certificates:preview", args=[run.id])
        modes = [mode.mode_slug for mode in run.modes.all()] or ["verified"]
        return format_html_join(" · ", '<a href="{}?preview={}">{}</a>', ((preview, m, m) for m in modes))

    @admin.display(description="certificates")
    def certificates_by_status(self, run):
        """How many certificates the run has in each status, each a link to them in the certificates list."""
        from coursecerts.certificates.models import GeneratedCertificate

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

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except InvalidKeyError:
            return None

    def save_model(self, request, obj, form, change):
        fields = {
            name: getattr(obj, name) for name in form.cleaned_data if name not in ("id", "display_name")
        }
        run, _ = course_run_upsert(course_key=obj.id, display_name=obj.display_name, **fields)
        adopt(obj, run)


@admin.register(CourseAccessRole)
class CourseAccessRoleAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """Roles are added and removed through the services. A person has one role per run (a constraint, which
    the add form reports): to change it, remove it and add another."""

    list_display = ("user", "course", "role", "created")
    list_filter = ("role",)
    list_select_related = ("user", "course")
    search_fields = ("user__username",)
    course_key_search_fields = ("course__id",)
    search_help_text = "Username or course key."
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        adopt(obj, course_role_put(user=obj.user, course_run=obj.course, role=obj.role)[0])

    def delete_model(self, request, obj):
        course_role_remove(user=obj.user, course_run=obj.course, role=obj.role)

    def delete_queryset(self, request, queryset):
        for access in queryset:
            self.delete_model(request, access)


def _by_count(counts: dict) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: -item[1])
