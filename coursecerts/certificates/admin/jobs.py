"""Course-wide generation runs: progress and results, read-only (they are started from the course runs'
admin, the API or the command)."""

from django.contrib import admin
from django.utils.html import format_html

from coursecerts.certificates.models import CertificateGenerationChunk, CertificateGenerationJob


class ChunkInline(admin.TabularInline):
    model = CertificateGenerationChunk
    fields = ("index", "state", "size", "attempts", "claimed_at", "result")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="learners")
    def size(self, chunk):
        return len(chunk.user_ids)


@admin.register(CertificateGenerationJob)
class CertificateGenerationJobAdmin(admin.ModelAdmin):
    list_display = ("created", "course", "scope", "state", "progress", "requested_by", "finished_at")
    list_filter = ("state", "scope")
    search_fields = ("course__id",)
    readonly_fields = (
        "id", "course", "scope", "task_input", "state", "progress", "result", "requested_by", "history",
        "created", "finished_at",
    )  # fmt: skip
    exclude = ("done", "total")
    inlines = [ChunkInline]

    @admin.display(description="progress")
    def progress(self, job):
        percent = 100 * job.done // job.total if job.total else 100
        return format_html(
            '<progress max="100" value="{}"></progress> {} / {} ({}%)', percent, job.done, job.total, percent
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
