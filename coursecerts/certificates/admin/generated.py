"""Generated certificates: a read-only record with its history; the status changes only through actions."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from coursecerts.certificates.admin.actions import invalidate, regenerate, revalidate
from coursecerts.certificates.display import PublicState, certificate_record_status
from coursecerts.certificates.models import (
    CertificateDateOverride,
    CertificateHistory,
    CertificateInvalidation,
    GeneratedCertificate,
)
from coursecerts.common.admin import CourseKeyAdminMixin, CourseRunListFilter

# What the public page shows, in the words of the admin (the rule: display.certificate_record_status).
PUBLIC_STATES = {
    PublicState.VALID: "valid: shown to anyone with the link",
    PublicState.NOT_YET: "valid, hidden until the course run's certificate date",
    PublicState.NOT_FOUND: "not shown: the page answers 404",
    PublicState.INVALIDATED: "invalidated: the page answers 410 Gone",
    PublicState.REVOKED: "no longer valid: the page answers 410 Gone",
    PublicState.RETIRED: "the learner is retired (name and email blanked): the page answers 410 Gone",
    PublicState.EXPIRED: "expired: shown to anyone with the link, saying it expired and when",
}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _change(field: str):
    """A column showing `before → after`, or the value alone when it did not change."""

    @admin.display(description=field)
    def display(inline, history):
        before, after = getattr(history, f"{field}_before"), getattr(history, f"{field}_after")
        return after if before == after else f"{before or '–'} → {after or '–'}"

    return display


class CertificateHistoryInline(ReadOnlyInline):
    model = CertificateHistory
    verbose_name_plural = "history of changes"
    fields = (
        "created",
        "source",
        "actor",
        "status_change",
        "mode_change",
        "grade_change",
        "name_change",
        "note",
    )
    readonly_fields = fields
    status_change, mode_change, grade_change, name_change = (
        _change(f) for f in ("status", "mode", "grade", "name")
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class DateOverrideInline(ReadOnlyInline):
    model = CertificateDateOverride
    fields = ("date", "reason", "overridden_by", "modified")
    readonly_fields = fields


class InvalidationInline(ReadOnlyInline):
    model = CertificateInvalidation
    fields = ("created", "invalidated_by", "notes", "active")
    readonly_fields = fields


@admin.register(GeneratedCertificate)
class GeneratedCertificateAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """Every field is a record of what was issued: the change page only shows it. Invalidate, Re-validate and
    Regenerate (the list's actions) change it through the services; adding by hand is not possible."""

    list_display = ("user", "learner_name", "course", "mode", "status", "modified_date")
    list_filter = ("status", "mode", ("course", CourseRunListFilter))
    list_select_related = ("user__profile", "course")
    search_fields = ("user__username", "=status")
    course_key_search_fields = ("course__id",)
    search_help_text = "Username, course key (or part of it), or status."
    raw_id_fields = ("user",)
    show_full_result_count = False
    actions = [invalidate, revalidate, regenerate]
    inlines = [DateOverrideInline, InvalidationInline, CertificateHistoryInline]
    readonly_fields = (
        "public_page",
        "user",
        "course",
        "status",
        "mode",
        "grade",
        "name",
        "course_title",
        "issued_date",
        "expires_date",
        "previous_certificate",
        "distinction",
        "verify_uuid",
        "key",
        "download_uuid",
        "download_url",
        "error_reason",
        "created_date",
        "modified_date",
    )
    fieldsets = [
        (
            None,
            {
                "fields": readonly_fields,
                "description": "To change the status, select the certificate in the list and run Invalidate, "
                "Re-validate or Regenerate.",
            },
        )
    ]

    @admin.display(description="name", ordering="name")
    def learner_name(self, certificate):
        profile = getattr(certificate.user, "profile", None)
        if profile is not None and profile.retired_at is not None:
            return "(retired learner)"
        return certificate.name

    @admin.display(description="public page")
    def public_page(self, certificate):
        """Links to the certificate's public page and PDF, and what a visitor gets there."""
        state = certificate_record_status(certificate).state
        return format_html(
            '<a href="{}">page</a> · <a href="{}">PDF</a> ({})',
            self.view_on_site(certificate),
            reverse("certificates:pdf", args=[certificate.verify_uuid]),
            PUBLIC_STATES[state],
        )

    def view_on_site(self, certificate):
        return reverse("certificates:page", args=[certificate.verify_uuid])

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request):
        """Who may run the actions: those with Django's change permission on certificates."""
        return super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
