from django.contrib import admin
from django.utils.timesince import timesince

from coursecerts.events.models import OutboxEntry, OutgoingEvent, SinkCursor
from coursecerts.events.relay import sink_states


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the changes that owe them and run by the drain (drain_outbox)."""

    list_display = ("pk", "kind", "course", "state", "attempts", "created", "available_at", "done_at")
    list_filter = ("kind", ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("course__id", "last_error")
    readonly_fields = [field.name for field in OutboxEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEvent)
class OutgoingEventAdmin(admin.ModelAdmin):
    """Read-only: the certificate events owed to the outside world, written with each change (ADR 0015)."""

    list_display = ("pk", "event_type", "course_key", "user_id", "time", "event_id")
    list_filter = ("event_type",)
    search_fields = ("course_key", "=user_id", "=event_id")
    readonly_fields = [field.name for field in OutgoingEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SinkCursor)
class SinkCursorAdmin(admin.ModelAdmin):
    """Where each sink is: events sent (handed over) and pending, the oldest pending one's age, the last error
    (events.relay.sink_states). Read-only: the relay moves the cursors."""

    list_display = ("name", "enabled", "sent", "pending", "oldest_pending_age", "last_handed_at", "error")
    readonly_fields = ("name", "position", "gaps", "last_handed_at", "last_error", "last_error_at", "updated")

    def get_queryset(self, request):
        self._states = {state.name: state for state in sink_states()}
        return super().get_queryset(request)

    def _state(self, cursor):
        return getattr(self, "_states", {}).get(cursor.name)

    @admin.display(boolean=True)
    def enabled(self, cursor):
        state = self._state(cursor)
        return state.enabled if state else None

    def sent(self, cursor):
        state = self._state(cursor)
        return state.sent if state else "-"

    def pending(self, cursor):
        state = self._state(cursor)
        return state.pending if state else "-"

    @admin.display(description="oldest pending")
    def oldest_pending_age(self, cursor):
        state = self._state(cursor)
        if not state or not state.oldest_pending:
            return "-"
        return f"{timesince(state.oldest_pending)} ago"

    @admin.display(description="last error")
    def error(self, cursor):
        if not cursor.last_error:
            return "-"
        return f"{cursor.last_error[:200]} ({timesince(cursor.last_error_at)} ago)"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
