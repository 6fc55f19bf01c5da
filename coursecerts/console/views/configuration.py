"""Set up a run's certificate: the configuration (title, signatories with their signature images, active), a
preview for each mode, when learners see their certificate (display behaviour and available date), and the
run's settings (self-generation, language-specific templates). Each form calls the service the REST API or the
admin calls; images are checked by certificates/signature_images.py, as the API's data URIs are."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coursecerts.certificates.models import CertificateConfiguration, CertificateGenerationCourseSetting
from coursecerts.certificates.services.configuration import SignatoryInput, certificate_configuration_put
from coursecerts.certificates.services.course_settings import certificate_course_setting_put
from coursecerts.certificates.signature_images import SignatureImageError, signature_image_name
from coursecerts.common.errors import ApplicationError
from coursecerts.console.access import can_act, course_run_for
from coursecerts.console.forms import ConfigurationForm, CourseSettingForm, DisplayForm, SignatoryFormSet
from coursecerts.courses.models import CourseModes
from coursecerts.courses.services import course_run_upsert


@login_required
@require_http_methods(["GET", "POST"])
def configuration(request, course_key):
    run = course_run_for(request, course_key, act=request.method == "POST")
    configuration = (
        CertificateConfiguration.objects.filter(course=run).prefetch_related("signatories").first()
    )
    signatories = list(configuration.signatories.order_by("order", "pk")) if configuration else []
    forms = _unbound_forms(run, configuration, signatories)
    if request.method == "POST":
        part = request.POST.get("part")
        if part not in SAVERS:
            raise Http404
        bound = _bound(part, request)
        forms.update(bound)
        try:
            if all(form.is_valid() for form in bound.values()):
                messages.success(request, SAVERS[part](request, run, bound, signatories))
                return redirect(reverse("console:configuration", args=[run.id]) + f"#{part}")
        except (ApplicationError, ValidationError) as exc:
            _add_error(next(iter(bound.values())), exc)
    if not can_act(request.user, run):
        for field in forms["setting_form"].fields.values():
            field.disabled = True  # shown, not changeable
    context = {
        "run": run,
        "can_act": can_act(request.user, run),
        "configuration": configuration,
        "signatories": signatories,
        "previews": _previews(run),
        **forms,
    }
    return render(request, "console/configuration.html", context)


def _add_error(form, exc) -> None:
    text = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
    if hasattr(form, "add_error"):
        form.add_error(None, text)
    else:  # a formset
        form._non_form_errors = form.error_class([text])


def _unbound_forms(run, configuration, signatories) -> dict:
    setting = CertificateGenerationCourseSetting.get(run.id)
    available = run.certificate_available_date
    return {
        "configuration_form": ConfigurationForm(
            prefix="configuration",
            initial={"title": configuration.title, "is_active": configuration.is_active}
            if configuration
            else {},
        ),
        "signatory_formset": SignatoryFormSet(
            prefix="signatories",
            initial=[{"name": s.name, "title": s.title, "organization": s.organization} for s in signatories],
        ),
        "display_form": DisplayForm(
            prefix="display",
            initial={
                "certificates_display_behavior": run.certificates_display_behavior,
                "certificate_available_date": available.date() if available else None,
            },
        ),
        "setting_form": CourseSettingForm(
            prefix="setting",
            initial={
                "self_generation_enabled": bool(setting and setting.self_generation_enabled),
                "language_specific_templates_enabled": bool(
                    setting and setting.language_specific_templates_enabled
                ),
            },
        ),
    }


def _bound(part: str, request) -> dict:
    if part == "configuration":
        return {
            "configuration_form": ConfigurationForm(request.POST, prefix="configuration"),
            "signatory_formset": SignatoryFormSet(request.POST, request.FILES, prefix="signatories"),
        }
    if part == "display":
        return {"display_form": DisplayForm(request.POST, prefix="display")}
    return {"setting_form": CourseSettingForm(request.POST, prefix="setting")}


def _save_configuration(request, run, bound, signatories) -> str:
    data = bound["configuration_form"].cleaned_data
    inputs = []
    for i, form in enumerate(bound["signatory_formset"].forms):
        if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("name"):
            continue  # removed, or the empty form for a new signatory left empty
        inputs.append(_signatory(form, signatories[i] if i < len(signatories) else None))
    certificate_configuration_put(
        course_run=run, title=data["title"], is_active=data["is_active"], signatories=inputs
    )
    return _("The certificate configuration is saved.")


def _signatory(form, current) -> SignatoryInput:
    """The form's signatory; a new image is checked and stored, else the signatory keeps the image it had."""
    data, upload = form.cleaned_data, form.cleaned_data.get("image")
    image_name, content = (current.signature_image.name if current else ""), None
    if upload:
        content = upload.read()
        try:
            image_name = signature_image_name(content)
        except SignatureImageError as exc:
            raise ApplicationError(f"{data['name']}: {exc.message}") from None
    return SignatoryInput(
        name=data["name"], title=data["title"], organization=data["organization"],
        image_name=image_name, image_content=content,
    )  # fmt: skip


def _save_display(request, run, bound, signatories) -> str:
    data = bound["display_form"].cleaned_data
    day = data["certificate_available_date"]
    course_run_upsert(
        course_key=run.id,
        display_name=run.display_name,
        organization=run.organization,
        certificates_display_behavior=data["certificates_display_behavior"],
        certificate_available_date=datetime.combine(day, time.min, tzinfo=UTC) if day else None,
    )
    return _("When learners see their certificate is saved.")


def _save_setting(request, run, bound, signatories) -> str:
    certificate_course_setting_put(course_run=run, **bound["setting_form"].cleaned_data)
    return _("The run's certificate settings are saved.")


SAVERS = {"configuration": _save_configuration, "display": _save_display, "setting": _save_setting}


def _previews(run) -> list[tuple[str, str]]:
    """(mode, URL) of the certificate preview for each of the run's modes (every mode when it lists none)."""
    modes = sorted(run.modes.values_list("mode_slug", flat=True)) or [
        CourseModes.VERIFIED, CourseModes.HONOR,
    ]  # fmt: skip
    base = reverse("certificates:preview", kwargs={"course_key": str(run.id)})
    return [(mode, f"{base}?preview={mode}") for mode in modes]
