"""The allowlist, invalidations, date overrides and generation history. Every write goes through a service,
so its preconditions apply and the certificate's history records it."""

from django.contrib import admin

from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateDateOverride,
    CertificateGenerationHistory,
    CertificateInvalidation,
)
from coursecerts.certificates.services import (
    allowlist_entry_create,
    allowlist_entry_remove,
    certificate_invalidation_create,
    date_override_remove,
    date_override_set,
)
from coursecerts.common.admin import (
    CourseKeyAdminMixin,
    CourseRunListFilter,
    ServiceForm,
    ServiceFormAdminMixin,
    adopt,
)


class ViewAndDeleteOnly:
    """Rows are added (through a service) and removed, never edited in place."""

    def has_change_permission(self, request, obj=None):
        return False


class DeleteThroughService:
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class AllowlistForm(ServiceForm):
    class Meta:
        model = CertificateAllowlist
        fields = ("user", "course", "notes")

    def store(self):
        data = self.cleaned_data
        return allowlist_entry_create(
            user=data["user"], course_run=data["course"], notes=data["notes"] or "", actor=self.actor
        )


@admin.register(CertificateAllowlist)
class CertificateAllowlistAdmin(
    ServiceFormAdminMixin, ViewAndDeleteOnly, DeleteThroughService, CourseKeyAdminMixin, admin.ModelAdmin
):
    """Adding checks Open edX's preconditions (enrolled, not invalidated, not listed yet); removing
    invalidates the learner's certificate first (allowlist_entry_remove)."""

    form = AllowlistForm
    list_display = ("user", "course", "allowlist", "notes", "created")
    list_filter = ("allowlist", ("course", CourseRunListFilter))
    list_select_related = ("user", "course")
    search_fields = ("user__username", "user__email")
    course_key_search_fields = ("course__id",)
    search_help_text = "Username, email or course key."
    raw_id_fields = ("user",)

    def delete_model(self, request, obj):
        allowlist_entry_remove(user=obj.user, course_run=obj.course, actor=request.user)


class InvalidationForm(ServiceForm):
    class Meta:
        model = CertificateInvalidation
        fields = ("generated_certificate", "notes")

    def store(self):
        data = self.cleaned_data
        return certificate_invalidation_create(
            certificate=data["generated_certificate"], invalidated_by=self.actor, notes=data["notes"] or ""
        )


@admin.register(CertificateInvalidation)
class CertificateInvalidationAdmin(
    ServiceFormAdminMixin, ViewAndDeleteOnly, CourseKeyAdminMixin, admin.ModelAdmin
):
    """Never deleted: re-validate the certificate instead, which deactivates its invalidation."""

    form = InvalidationForm
    list_display = ("generated_certificate", "invalidated_by", "active", "notes", "created")
    list_filter = ("active",)
    list_select_related = ("generated_certificate__user", "invalidated_by")
    search_fields = ("generated_certificate__user__username", "invalidated_by__username")
    course_key_search_fields = ("generated_certificate__course__id",)
    search_help_text = "Username (learner or instructor) or course key."
    raw_id_fields = ("generated_certificate",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CertificateDateOverride)
class CertificateDateOverrideAdmin(DeleteThroughService, CourseKeyAdminMixin, admin.ModelAdmin):
    """Set and removed through the services, which record the admin and a note in the certificate history."""

    list_display = ("generated_certificate", "date", "reason", "overridden_by")
    list_select_related = ("generated_certificate__user", "overridden_by")
    search_fields = ("generated_certificate__user__username",)
    course_key_search_fields = ("generated_certificate__course__id",)
    search_help_text = "Username or course key."
    raw_id_fields = ("generated_certificate",)

    def get_readonly_fields(self, request, obj=None):
        return ("generated_certificate", "overridden_by") if obj else ("overridden_by",)

    def save_model(self, request, obj, form, change):
        override = date_override_set(
            certificate=obj.generated_certificate, date=obj.date, reason=obj.reason, actor=request.user
        )
        adopt(obj, override)

    def delete_model(self, request, obj):
        date_override_remove(certificate=obj.generated_certificate, actor=request.user)


@admin.register(CertificateGenerationHistory)
class CertificateGenerationHistoryAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """A read-only log of course-wide generation runs."""

    list_display = ("course", "generated_by", "task_name", "candidates", "created")
    list_select_related = ("course", "generated_by")
    search_fields = ("generated_by__username",)
    course_key_search_fields = ("course__id",)
    search_help_text = "Course key or username of who started it."

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="task name")
    def task_name(self, history):
        return history.get_task_name()

    @admin.display(description="candidates")
    def candidates(self, history):
        return history.get_certificate_generation_candidates()
