"""The admin of learner emails: every email with its state and the mail server's last answer (failures are
filtered in one click), the per-run switch, and the course team's actions: send again, retry now, resend to
every learner of a run."""

from __future__ import annotations

from django.contrib import admin, messages

from coursecerts.notifications.models import CourseRunEmailSettings, EmailStates, LearnerEmail, LearnerPage
from coursecerts.notifications.services import (
    course_run_emails_set,
    learner_emails_resend,
    learner_emails_retry,
)


@admin.register(LearnerEmail)
class LearnerEmailAdmin(admin.ModelAdmin):
    list_display = (
        "learner",
        "course",
        "kind",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state", "kind")
    search_fields = ("certificate__user__username", "certificate__user__email", "=certificate__verify_uuid")
    list_select_related = ("certificate__user",)
    readonly_fields = [field.name for field in LearnerEmail._meta.fields if field.name != "id"]
    actions = ["retry_now", "send_again"]
    date_hierarchy = "created"

    @admin.display(description="learner", ordering="certificate__user__username")
    def learner(self, email):
        return email.certificate.user.username

    @admin.display(description="course run", ordering="certificate__course_id")
    def course(self, email):
        return email.certificate.course_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry the selected failed or cancelled emails now")
    def retry_now(self, request, queryset):
        count = learner_emails_retry(
            emails=queryset.filter(state__in=[EmailStates.FAILED, EmailStates.CANCELLED])
        )
        self.message_user(request, f"{count} emails will be sent again now.", messages.SUCCESS)

    @admin.action(description="Send the issue email again to the selected emails' learners")
    def send_again(self, request, queryset):
        queued = 0
        by_run: dict = {}
        for email in queryset.select_related("certificate__user", "certificate__course"):
            by_run.setdefault(email.certificate.course, set()).add(email.certificate.user.username)
        for run, usernames in by_run.items():
            queued += learner_emails_resend(course_run=run, usernames=sorted(usernames), actor=request.user)
        self.message_user(
            request, f"{queued} emails owed; they are sent in the background.", messages.SUCCESS
        )


@admin.register(CourseRunEmailSettings)
class CourseRunEmailSettingsAdmin(admin.ModelAdmin):
    list_display = ("course_run", "emails_enabled", "modified", "changed_by")
    list_filter = ("emails_enabled",)
    search_fields = ("course_run__id", "course_run__display_name")
    autocomplete_fields = ("course_run",)
    readonly_fields = ("modified", "changed_by")
    actions = ["resend_to_everyone"]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "course_run") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        setting = course_run_emails_set(
            course_run=obj.course_run, enabled=form.cleaned_data["emails_enabled"], actor=request.user
        )
        obj.pk = setting.pk

    @admin.action(description="Resend the issue email to every learner of the selected runs")
    def resend_to_everyone(self, request, queryset):
        queued = sum(
            learner_emails_resend(course_run=setting.course_run, actor=request.user)
            for setting in queryset.select_related("course_run")
        )
        self.message_user(
            request, f"{queued} emails owed; they are sent in the background.", messages.SUCCESS
        )


@admin.register(LearnerPage)
class LearnerPageAdmin(admin.ModelAdmin):
    list_display = ("user", "public", "modified")
    list_filter = ("public",)
    search_fields = ("user__username",)
    readonly_fields = ("user", "slug", "public", "modified")

    def has_add_permission(self, request):
        return False
