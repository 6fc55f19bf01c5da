"""The console's forms: they turn what a person typed into a service's arguments. The rules themselves (which
scopes and statuses a run may be asked for, who may be allowlisted...) stay in the services, whose refusals the
views show as messages."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from coursecerts.certificates.generation_selectors import REGENERATION_STATUSES
from coursecerts.certificates.models import GenerationScopes

GENERATE_SCOPES = [(s.value, _(s.label)) for s in GenerationScopes if s != GenerationScopes.STATUSES]


class GenerateForm(forms.Form):
    """Open edX's "generate certificates" and "generate exceptions", or named learners."""

    scope = forms.ChoiceField(
        label=_("Who"), choices=GENERATE_SCOPES, initial=GenerationScopes.ALL, widget=forms.RadioSelect
    )
    usernames = forms.CharField(
        label=_("Usernames (with “Named learners”), separated by spaces, commas or new lines"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        names = [name for name in re.split(r"[\s,]+", data.get("usernames", "")) if name]
        data["usernames"] = names if data.get("scope") == GenerationScopes.LEARNERS else None
        return data

    def service_arguments(self) -> dict:
        return {"scope": self.cleaned_data["scope"], "usernames": self.cleaned_data["usernames"]}


class RegenerateForm(forms.Form):
    """Open edX's "regenerate certificates": learners whose certificate has one of the statuses."""

    statuses = forms.MultipleChoiceField(
        label=_("Certificates with these statuses"),
        choices=[(s, s) for s in REGENERATION_STATUSES],
        widget=forms.CheckboxSelectMultiple,
    )

    def service_arguments(self) -> dict:
        return {"scope": GenerationScopes.STATUSES, "statuses": self.cleaned_data["statuses"]}


LEARNER = forms.CharField(label=_("Username or email"), max_length=254)
NOTES = forms.CharField(
    label=_("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
)


class LearnerForm(forms.Form):
    learner = LEARNER


class LearnerNotesForm(forms.Form):
    learner = LEARNER
    notes = NOTES


class DateOverrideForm(forms.Form):
    learner = LEARNER
    date = forms.DateField(label=_("Date to print"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))


class AllowlistCsvForm(forms.Form):
    students_list = forms.FileField(
        label=_("CSV file: one learner a row, username or email, then notes"), required=False
    )


class ConfigurationForm(forms.Form):
    title = forms.CharField(
        label=_("Certificate title (leave empty for the course's title)"), max_length=255, required=False
    )
    is_active = forms.BooleanField(
        label=_("Active: learners' certificates use this configuration"), required=False
    )


class SignatoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    organization = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    image = forms.FileField(
        label=_("Signature image (PNG, JPEG, GIF or WebP, at most 2 MiB)"), required=False
    )


SignatoryFormSet = forms.formset_factory(
    SignatoryForm, extra=1, max_num=10, validate_max=True, can_delete=True
)


class DisplayForm(forms.Form):
    certificates_display_behavior = forms.ChoiceField(label=_("Learners see their certificate"))
    certificate_available_date = forms.DateField(
        label=_("Certificate available date (with “On the certificate available date”)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        from coursecerts.courses.models import CertificatesDisplayBehaviors

        super().__init__(*args, **kwargs)
        self.fields["certificates_display_behavior"].choices = [
            (value, _(label)) for value, label in CertificatesDisplayBehaviors.choices
        ]


class CourseSettingForm(forms.Form):
    self_generation_enabled = forms.BooleanField(
        label=_("Learners may ask for their certificate themselves (self-generation)"), required=False
    )
    language_specific_templates_enabled = forms.BooleanField(
        label=_("Use templates in the course's language (language-specific templates)"), required=False
    )
