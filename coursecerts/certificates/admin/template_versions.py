"""Template versions in the admin (ADR 0006). Saving a template whose text changed stores the text as a new
draft version (the text is checked in the sandboxed engine first); actions publish a draft, or publish an older
version to roll back. Versions themselves are read-only: certificates point at them.

This module extends the template admin of admin/configuration.py by subclassing it, so that module stays as
it is."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from coursecerts.certificates.admin.configuration import CertificateTemplateAdmin, CertificateTemplateForm
from coursecerts.certificates.models import CertificateTemplate, CertificateTemplateVersion
from coursecerts.certificates.rendering.engine import TemplateInvalid, compile_template
from coursecerts.certificates.services.template_versions import (
    TemplateVersionNotPublished,
    certificates_reissue_with_version,
    template_version_create,
    template_version_latest_draft,
    template_version_publish,
)


class VersionedTemplateForm(CertificateTemplateForm):
    def clean_template(self):
        text = self.cleaned_data["template"]
        try:
            compile_template(text)
        except TemplateInvalid as exc:
            raise ValidationError(exc.message) from None
        return text


class VersionInline(admin.TabularInline):
    model = CertificateTemplateVersion
    extra = 0
    can_delete = False
    fields = ("link", "state", "note", "created", "created_by", "published", "published_by")
    readonly_fields = fields
    ordering = ("-number",)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="version")
    def link(self, version):
        url = reverse("admin:certificates_certificatetemplateversion_change", args=[version.pk])
        return format_html('<a href="{}">v{}</a>', url, version.number)


admin.site.unregister(CertificateTemplate)


@admin.register(CertificateTemplate)
class VersionedCertificateTemplateAdmin(CertificateTemplateAdmin):
    form = VersionedTemplateForm
    inlines = [*CertificateTemplateAdmin.inlines, VersionInline]
    list_display = (*CertificateTemplateAdmin.list_display, "published_version")
    actions = ["publish_latest_draft"]

    @admin.display(description="published")
    def published_version(self, template):
        published = [v for v in template.versions.all() if v.state == "published"]
        return f"v{published[0].number}" if published else "none (not used)"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "template" in form.changed_data:
            version = template_version_create(template=obj, actor=request.user, note="Saved in the admin")
            self.message_user(
                request,
                f"The text was saved as draft v{version.number}. Publish it (action “Publish the latest draft”) "
                "to issue new certificates with it; issued certificates keep their version.",
                messages.WARNING,
            )

    @admin.action(description="Publish the latest draft of the selected templates")
    def publish_latest_draft(self, request, queryset):
        for template in queryset:
            draft = template_version_latest_draft(template)
            if draft is None:
                self.message_user(request, f"{template}: no draft to publish.", messages.WARNING)
                continue
            _publish(self, request, draft)


@admin.register(CertificateTemplateVersion)
class CertificateTemplateVersionAdmin(admin.ModelAdmin):
    list_display = ("template", "number", "state", "note", "created", "published")
    list_filter = ("state",)
    list_select_related = ("template",)
    search_fields = ("template__name", "note")
    readonly_fields = (
        "template",
        "number",
        "text",
        "state",
        "note",
        "created",
        "created_by",
        "published",
        "published_by",
    )
    actions = ["publish", "reissue"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Publish the selected version (an older one: roll back to it)")
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to publish.", messages.ERROR)
            return
        _publish(self, request, queryset.get())

    @admin.action(description="Reissue certificates of older versions of this template with the selected one")
    def reissue(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one (published) version.", messages.ERROR)
            return
        version = queryset.get()
        try:
            count = certificates_reissue_with_version(version=version, actor=request.user)
        except TemplateVersionNotPublished as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{count} certificates reissued with {version}.", messages.SUCCESS)


def _publish(model_admin, request, version: CertificateTemplateVersion) -> None:
    try:
        template_version_publish(version=version, actor=request.user)
    except TemplateInvalid as exc:
        model_admin.message_user(request, f"{version}: {exc.message}", messages.ERROR)
        return
    model_admin.message_user(
        request,
        f"{version.template}: v{version.number} is published; new certificates are issued with it. Issued "
        "certificates keep their version until they are regenerated.",
        messages.SUCCESS,
    )
