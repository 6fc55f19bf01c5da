from django.contrib import admin

from coursecerts.events.models import OutboxEntry


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
