"""The admin of webhooks: endpoints (registered through the same service as the API, so the URL is checked and
a secret made), and messages with their attempts; actions redeliver, disable and enable."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from coursecerts.common.errors import ApplicationError
from coursecerts.events.webhooks.addresses import UnsafeUrl, target_check
from coursecerts.events.webhooks.models import EVENT_TYPES, WebhookAttempt, WebhookEndpoint, WebhookMessage
from coursecerts.events.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoint_enable,
    webhook_endpoint_update,
    webhook_message_redeliver,
)


class EndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=[(name, name) for name in EVENT_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: all of them.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "event_types", "description"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            target_check(url)
        except UnsafeUrl as exc:
            raise ValidationError(str(exc)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "is_active", "types", "disabled_reason", "created")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    readonly_fields = (
        "id",
        "secret",
        "is_active",
        "disabled_reason",
        "disabled_at",
        "previous_secret_expires_at",
        "created",
        "updated",
        "created_by",
    )
    actions = ["disable", "enable"]

    @admin.display(description="event types")
    def types(self, endpoint):
        return ", ".join(endpoint.event_types) or "all"

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        fields = ["url", "event_types", "description"]
        return fields + list(self.readonly_fields) if obj else fields

    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data[key] for key in ("url", "event_types", "description")}
        if change:
            stored = WebhookEndpoint.objects.get(pk=obj.pk)
            webhook_endpoint_update(endpoint=stored, **data, actor=request.user)
        else:
            obj.pk = webhook_endpoint_create(**data, actor=request.user).pk

    @admin.action(description="Disable the selected endpoints (cancel their pending messages)")
    def disable(self, request, queryset):
        for endpoint in queryset:
            webhook_endpoint_disable(
                endpoint=endpoint, reason=f"Disabled by {request.user.username} in the admin."
            )
        self.message_user(request, f"{queryset.count()} endpoint(s) disabled.")

    @admin.action(description="Enable the selected endpoints")
    def enable(self, request, queryset):
        for endpoint in queryset:
            try:
                webhook_endpoint_enable(endpoint=endpoint)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("created", "status_code", "duration_ms", "error", "response_body")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created", "-id")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookMessage)
class WebhookMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "endpoint",
        "event_type",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created",
    )
    list_filter = ("state", "endpoint")
    list_select_related = ("endpoint", "event")
    readonly_fields = (
        "endpoint",
        "webhook_id",
        "event_type",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created",
        "updated",
    )
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.display(description="event type")
    def event_type(self, message):
        return message.event.event_type

    @admin.display(description="webhook-id")
    def webhook_id(self, message):
        return message.event.event_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Redeliver the selected messages (same webhook-id)")
    def redeliver(self, request, queryset):
        done = 0
        for message in queryset.select_related("endpoint"):
            try:
                webhook_message_redeliver(message=message)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, f"{done} message(s) queued for redelivery.")
