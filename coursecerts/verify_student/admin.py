from django.contrib import admin

from coursecerts.common.admin import adopt
from coursecerts.verify_student.models import IdVerification
from coursecerts.verify_student.services import id_verification_update


@admin.register(IdVerification)
class IdVerificationAdmin(admin.ModelAdmin):
    """Saved through id_verification_update, so an approval fires the trigger it fires from the API."""

    list_display = ("user", "status", "expires_at", "modified")
    list_filter = ("status",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    search_help_text = "Username or email."
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj else ()

    def save_model(self, request, obj, form, change):
        verification, _ = id_verification_update(user=obj.user, status=obj.status, expires_at=obj.expires_at)
        adopt(obj, verification)
