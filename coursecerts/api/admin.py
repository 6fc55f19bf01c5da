"""API tokens in the admin: listed, searched and revoked (made by `coursecerts create_api_token`, which shows
the token once; only its hash is stored, so the admin can neither show nor make one)."""

from django.contrib import admin, messages

from coursecerts.api.models import ApiToken
from coursecerts.api.services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = ["user", "prefix", "created", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = sum(api_token_revoke(token=token) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
