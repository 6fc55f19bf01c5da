"""The inbox of events received from the LMS's event bus (ADR 0021): read-only rows, with retry and discard
actions (the same services as `coursecerts inbox_events retry` and `discard`)."""

from django.conf import settings
from django.contrib import admin, messages

from coursecerts.openedx.inbox import inbox_apply_due, inbox_discard, inbox_retry
from coursecerts.openedx.models import InboxEvent


@admin.register(InboxEvent)
class InboxEventAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "event_type",
        "status",
        "course_key",
        "user_key",
        "time",
        "attempts",
        "received_at",
        "error",
    )
    list_filter = ("status", "kind", "event_type")
    search_fields = ("=event_id", "course_key", "=user_key", "last_error", "position")
    readonly_fields = [field.name for field in InboxEvent._meta.fields]
    actions = ["retry", "discard"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="error or note")
    def error(self, event):
        return (event.last_error or event.note)[:120]

    @admin.action(description="Retry the selected failed or discarded events now")
    def retry(self, request, queryset):
        made_due = inbox_retry(queryset=queryset)
        applied = inbox_apply_due(batch_size=settings.EVENTS_INBOX_BATCH_SIZE)
        level = messages.WARNING if applied.failed else messages.SUCCESS
        self.message_user(
            request,
            f"{made_due} event(s) retried: {applied.done} applied, {applied.skipped} skipped, {applied.failed} "
            f"failed{': ' + applied.errors[0] if applied.errors else ''}",
            level,
        )

    @admin.action(description="Discard the selected failed or pending events (kept, never applied)")
    def discard(self, request, queryset):
        self.message_user(request, f"{inbox_discard(queryset=queryset)} event(s) discarded", messages.SUCCESS)
