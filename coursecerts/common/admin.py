"""Admin building blocks shared by every app: course-key fields and search, saving through services, and the
admin of row-per-change configurations. Registers no model."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import CharField, Q
from django.db.models.functions import Cast, Lower
from opaque_keys import InvalidKeyError
from opaque_keys.edx.django.models import CourseKeyField

from coursecerts.common.errors import ApplicationError
from coursecerts.common.keys import InvalidCourseKey, parse_course_key


class CourseKeyFormField(forms.CharField):
    """A course key typed by an operator: a malformed key is a form error, not a crash in the model field."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return str(parse_course_key(value))
        except InvalidCourseKey as exc:
            raise ValidationError(exc.message, code="invalid") from None

    def has_changed(self, initial, data):
        return super().has_changed(str(initial) if initial else initial, data)


class CourseRunChoiceField(forms.ModelChoiceField):
    """A course run chosen by key; a tampered, malformed key is an invalid choice rather than a crash."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except InvalidKeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class CourseRunListFilter(admin.RelatedFieldListFilter):
    """Filter by course run. The admin's URL encoding cannot take CourseKey objects (it iterates them), so the
    choices carry the key's text: list_filter = [("course", CourseRunListFilter)]."""

    def field_choices(self, field, request, model_admin):
        return [(str(pk), label) for pk, label in super().field_choices(field, request, model_admin)]


class CourseKeyAdminMixin:
    """Course keys in forms (validated) and in search (by any part, in any case).

    The admin's own `icontains` is not enough on a CourseKeyField: its column is case-sensitive (utf8mb4_bin
    on MySQL/MariaDB, where LIKE then compares case), so the admin compares the lower-cased text of the key.
    List the key paths in `course_key_search_fields`; `search_fields` ("=" for an exact match) still apply.
    """

    course_key_search_fields: tuple[str, ...] = ()
    formfield_overrides = {CourseKeyField: {"form_class": CourseKeyFormField}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if isinstance(db_field.target_field, CourseKeyField):
            kwargs.setdefault("form_class", CourseRunChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_fields(self, request):
        return (*self.search_fields, *self.course_key_search_fields)

    def get_search_results(self, request, queryset, search_term):
        aliases = {
            f"_key_text_{i}": Lower(Cast(path, CharField()))
            for i, path in enumerate(self.course_key_search_fields)
        }
        queryset = queryset.alias(**aliases)
        for word in search_term.split():
            queryset = queryset.filter(self._search_word(word, aliases))
        return queryset, False  # only forward foreign keys are searched: no duplicate rows

    def _search_word(self, word: str, aliases: dict) -> Q:
        query = Q()
        for field in self.search_fields:
            exact = field.startswith("=")
            query |= Q(**{f"{field[1:]}__iexact": word}) if exact else Q(**{f"{field}__icontains": word})
        for alias in aliases:
            query |= Q(**{f"{alias}__contains": word.lower()})
        return query


def adopt(obj, stored) -> None:
    """Make the admin's `obj` the row a service stored, for the rest of the admin's save (log, redirect)."""
    obj.pk = stored.pk
    obj.refresh_from_db()


class ServiceForm(forms.ModelForm):
    """A ModelForm whose last validation step is the service call that stores the row.

    A service's refusal (an ApplicationError, e.g. an allowlist precondition) then shows as a form error and
    nothing is stored; the admin's save_model has nothing left to write. The admin runs the whole request in
    one transaction, as the service itself does. Subclasses implement `store()`; `actor` is the saving admin.
    """

    actor = None

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self.errors:
            return
        try:
            self.instance = self.store()
        except ApplicationError as exc:
            self.add_error(None, exc.message)

    def store(self):
        raise NotImplementedError


class ServiceFormAdminMixin:
    """For admins whose form is a ServiceForm: hands it the saving admin, and does not save again."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        """Stored by the form's service call already."""


class ConfigurationModelAdmin(admin.ModelAdmin):
    """A row-per-change configuration (Open edX ConfigurationModelAdmin): every save adds a new row, which
    becomes the current one, recording who made the change; rows are never deleted."""

    list_display = ("change_date", "changed_by", "enabled")
    readonly_fields = ("change_date", "changed_by")

    def save_model(self, request, obj, form, change):
        obj.pk = None
        obj._state.adding = True
        obj.changed_by = request.user
        obj.save()

    def has_delete_permission(self, request, obj=None):
        return False
