"""Name corrections (ADR 0024): the learner's requests, decided here by opening one, choosing approve or refuse
and writing the note the learner reads. Approval reissues the certificate through the service; nothing is
edited in place, and requests are never added here (the learner asks through the API or the signed link). The
admin is global staff's (is_staff); the run's instructors decide through the API. Also the expiry notices owed and
sent (ADR 0025), read-only."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from coursecerts.certificates.models import (
    CertificateExpiryNotice,
    NameCorrectionRequest,
    NameCorrectionStatuses,
)
from coursecerts.certificates.services.name_correction import name_correction_approve, name_correction_refuse
from coursecerts.common.admin import ServiceForm, ServiceFormAdminMixin

_DECISIONS = (("approve", "Approve: reissue the certificate with the requested name"), ("refuse", "Refuse"))


class NameCorrectionDecisionForm(ServiceForm):
    decision = forms.ChoiceField(choices=_DECISIONS, widget=forms.RadioSelect)
    decision_note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The learner reads it.",
    )

    class Meta:
        model = NameCorrectionRequest
        fields = ()

    def store(self):
        correction, data = self.instance, self.cleaned_data
        service = name_correction_approve if data["decision"] == "approve" else name_correction_refuse
        return service(correction=correction, actor=self.actor, note=data["decision_note"])


@admin.register(NameCorrectionRequest)
class NameCorrectionRequestAdmin(ServiceFormAdminMixin, admin.ModelAdmin):
    form = NameCorrectionDecisionForm
    list_display = (
        "certificate_link",
        "user",
        "current_name",
        "requested_name",
        "status",
        "created",
        "decided_by",
    )
    list_filter = ("status", "channel")
    list_select_related = ("certificate", "user", "decided_by")
    search_fields = ("user__username", "requested_name", "current_name", "certificate__verify_uuid")
    search_help_text = "Username, name or certificate id."
    readonly_fields = (
        "certificate_link", "user", "current_name", "requested_name", "reason", "channel", "requested_by",
        "created", "status", "decided_by", "decided_at", "note",
    )  # fmt: skip
    fields = readonly_fields

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == NameCorrectionStatuses.PENDING:
            return (*self.readonly_fields, "decision", "decision_note")
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        """Only a pending request has a decision to make; decided ones are read-only."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == NameCorrectionStatuses.PENDING)

    @admin.display(description="certificate", ordering="certificate__verify_uuid")
    def certificate_link(self, obj):
        return format_html('<a href="/certificates/{}">{}</a>', obj.certificate.verify_uuid, obj.certificate)


@admin.register(CertificateExpiryNotice)
class CertificateExpiryNoticeAdmin(admin.ModelAdmin):
    """The expiry notices owed and sent (ADR 0025), recorded by the periodic task: read-only."""

    list_display = ("certificate", "expires_date", "created", "sent_at")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    list_select_related = ("certificate",)
    search_fields = ("certificate__user__username", "certificate__verify_uuid")
    readonly_fields = ("certificate", "expires_date", "created", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
