"""What operators configure: per-run certificates and signatories, templates and their assets, per-course
settings, and the row-per-change configurations (web view, generation, command arguments)."""

from functools import cache
from pathlib import Path

from django import forms
from django.conf import global_settings
from django.contrib import admin

from coursecerts.certificates.models import (
    CertificateConfiguration,
    CertificateGenerationCommandConfiguration,
    CertificateGenerationConfiguration,
    CertificateGenerationCourseSetting,
    CertificateHtmlViewConfiguration,
    CertificateTemplate,
    CertificateTemplateAsset,
    ModifiedCertificateTemplateCommandConfiguration,
    PurgeReferencestoPDFCertificatesCommandConfiguration,
    Signatory,
)
from coursecerts.common.admin import ConfigurationModelAdmin, CourseKeyAdminMixin


class SignatoryInline(admin.StackedInline):
    model = Signatory
    extra = 0
    fields = ("order", "name", "title", "organization", "signature_image")


@admin.register(CertificateConfiguration)
class CertificateConfigurationAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    list_display = ("course", "title", "is_active", "modified")
    list_filter = ("is_active",)
    list_select_related = ("course",)
    search_fields = ("title",)
    course_key_search_fields = ("course__id",)
    search_help_text = "Course key or title."
    inlines = [SignatoryInline]


def template_language_choices(current: str | None = None) -> list[tuple[str, str]]:
    """'All Languages', then Django's two-letter languages by name (and the stored one): a template may be written
    in any language, not only those the service's own texts are translated into (settings.LANGUAGES)."""
    languages = {code: str(name) for code, name in global_settings.LANGUAGES if len(code) == 2}
    if current and current not in languages:
        languages[current] = current
    return [("", "All Languages"), *sorted(languages.items(), key=lambda item: item[1])]


STARTER_TEMPLATE = (
    Path(__file__).parents[1] / "templates" / "certificates" / "admin" / "starter_template.html"
)
TEMPLATE_HELP = (
    "A Django template rendered with only its context. A new template starts from the built-in design's layout. "
    "What it can use (context keys, tags, the certificate library): docs/web-certificates.md, section "
    "“What a template can use”. Saving stores a draft version; preview it at "
    "/certificates/course/&lt;course key&gt;?preview=&lt;mode&gt;&amp;template_version=&lt;id&gt;, then publish it."
)


@cache
def starter_template() -> str:
    """The text a new template starts from."""
    return STARTER_TEMPLATE.read_text(encoding="utf-8")


class CertificateTemplateForm(forms.ModelForm):
    language = forms.ChoiceField(required=False)

    class Meta:
        model = CertificateTemplate
        fields = (
            "name",
            "description",
            "template",
            "organization",
            "course_key",
            "mode",
            "language",
            "is_active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = template_language_choices(self.instance.language)
        self.fields["organization"].empty_label = "None"
        self.fields["template"].help_text = TEMPLATE_HELP


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    form = CertificateTemplateForm
    list_display = ("name", "description", "organization", "course_key", "mode", "language", "is_active")
    list_filter = ("is_active", "mode", "organization")
    list_select_related = ("organization",)
    search_fields = ("name", "description")
    course_key_search_fields = ("course_key",)

    def get_changeform_initial_data(self, request):
        return {"template": starter_template(), **super().get_changeform_initial_data(request)}


@admin.register(CertificateTemplateAsset)
class CertificateTemplateAssetAdmin(admin.ModelAdmin):
    list_display = ("description", "asset_slug")
    search_fields = ("description", "asset_slug")
    prepopulated_fields = {"asset_slug": ("description",)}


@admin.register(CertificateGenerationCourseSetting)
class CertificateGenerationCourseSettingAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """The newest row of a course is its setting."""

    list_display = (
        "course_key",
        "self_generation_enabled",
        "language_specific_templates_enabled",
        "include_hours_of_effort",
        "created",
    )
    list_filter = ("self_generation_enabled", "language_specific_templates_enabled")
    course_key_search_fields = ("course_key",)


@admin.register(CertificateGenerationConfiguration)
class CertificateGenerationConfigurationAdmin(ConfigurationModelAdmin):
    pass


@admin.register(CertificateHtmlViewConfiguration)
class CertificateHtmlViewConfigurationAdmin(ConfigurationModelAdmin):
    """The model's clean() rejects JSON that does not parse or is not an object; the form shows why."""


@admin.register(
    CertificateGenerationCommandConfiguration,
    ModifiedCertificateTemplateCommandConfiguration,
    PurgeReferencestoPDFCertificatesCommandConfiguration,
)
class CommandConfigurationAdmin(ConfigurationModelAdmin):
    list_display = (*ConfigurationModelAdmin.list_display, "arguments")


# Open edX's class name reads "purge referencesto pdf certificates ...". The label is set here, for every admin
# page, rather than in Meta, where it would take a migration in the certificates app for a label.
_purge_options = PurgeReferencestoPDFCertificatesCommandConfiguration._meta
_purge_options.verbose_name = "purge references to PDF certificates command configuration"
_purge_options.verbose_name_plural = "purge references to PDF certificates command configurations"
