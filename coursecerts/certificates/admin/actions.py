"""The only ways the admin changes a certificate's status: each action calls one service per certificate and
reports every row, a refusal (ApplicationError) as an error message on that row."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from coursecerts.certificates.services import (
    certificate_generation_attempt,
    certificate_invalidation_create,
    certificate_revalidate,
)
from coursecerts.common.errors import ApplicationError


class InvalidateForm(forms.Form):
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why these certificates are invalidated; kept with each invalidation and in the history.",
    )


def _for_each(modeladmin, request, queryset, call) -> None:
    """Call `call(certificate)` for each selected certificate; it returns (message, level) for the row."""
    for certificate in queryset.select_related("user", "course"):
        row = f"{certificate.user.username} in {certificate.course_id}"
        try:
            message, level = call(certificate)
        except ApplicationError as exc:
            message, level = exc.message, messages.ERROR
        modeladmin.message_user(request, f"{row}: {message}", level)


def _decision_message(decision, done: str) -> tuple[str, int]:
    level = messages.SUCCESS if decision.eligible else messages.WARNING
    return f"{done}; now {decision.outcome} ({decision.message}).", level


@admin.action(description="Invalidate selected certificates", permissions=["manage"])
def invalidate(modeladmin, request, queryset):
    """Asks for the notes on a confirmation page, then invalidates each certificate."""
    form = InvalidateForm(request.POST if "confirm" in request.POST else None)
    if not form.is_valid():
        return _invalidate_confirmation(modeladmin, request, queryset, form)

    def call(certificate):
        certificate_invalidation_create(
            certificate=certificate, invalidated_by=request.user, notes=form.cleaned_data["notes"]
        )
        return "invalidated.", messages.SUCCESS

    _for_each(modeladmin, request, queryset, call)
    return None


def _invalidate_confirmation(modeladmin, request, queryset, form):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Invalidate certificates",
        "opts": modeladmin.model._meta,
        "queryset": queryset.select_related("user", "course"),
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request, "admin/certificates/generatedcertificate/invalidate_confirmation.html", context
    )


@admin.action(description="Re-validate selected certificates (lift the invalidation)", permissions=["manage"])
def revalidate(modeladmin, request, queryset):
    def call(certificate):
        decision = certificate_revalidate(certificate=certificate, actor=request.user)
        return _decision_message(decision, "re-validated")

    _for_each(modeladmin, request, queryset, call)


@admin.action(description="Regenerate selected certificates", permissions=["manage"])
def regenerate(modeladmin, request, queryset):
    def call(certificate):
        decision = certificate_generation_attempt(
            user=certificate.user,
            course_run=certificate.course,
            source="admin_regenerate",
            actor=request.user,
        )
        return _decision_message(decision, "regeneration attempted")

    _for_each(modeladmin, request, queryset, call)
