"""Pieces the v1 views share."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.response import Response

from coursecerts.api.errors import ApiError
from coursecerts.common.validators import refuse_control_characters


def put_response(data, created: bool) -> Response:
    """A PUT's answer: the stored resource, 201 when it was created, 200 when it was updated."""
    return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def check_username(username: str) -> None:
    """A username in a URL that will be created must be a valid Django username (400 naming `username`)."""
    if problems := username_problems(username):
        raise ApiError(400, "invalid_input", "Invalid input: username.", {"username": problems})


def username_problems(username: str) -> list[str]:
    """Why `username` is not a valid Django username (at most 150 letters, digits and @.+-_), or nothing. The
    learner PUT's URL and the import's username column (coursecerts.api.v1.import_files) both check it."""
    problems = []
    if len(username) > 150:
        problems.append("Ensure this field has no more than 150 characters.")
    try:
        _USERNAME(username)
    except DjangoValidationError as exc:
        problems.extend(exc.messages)
    return problems


_USERNAME = UnicodeUsernameValidator()


class StrictBooleanField(serializers.BooleanField):
    """true or false only (DRF also takes "yes", 1, "on"...: too loose for an API that must be exact). Absent
    from a form body it is absent, as in JSON: required, a 400 naming it; else its default (DRF would read an
    unticked checkbox, false)."""

    default_error_messages = {"invalid": "Must be true or false."}
    default_empty_html = empty

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


class StrictInputSerializer(serializers.Serializer):
    """A v1 input that means what it says (ADR 0009):

    - a key it does not know is a 400 naming it (a misspelt field would otherwise be dropped and its default
      stored); keys in `echoed` (what a GET answered that is not input, e.g. `course_key`) are accepted and
      ignored, so a client can send back what it read (query-string filters set `refuse_unknown = False`:
      a query string may carry other parameters, such as the page);
    - in a JSON body, each field takes its JSON type only: a string for text, a number for numbers, true or
      false for booleans (DRF would store 12 as "12" and "0.5" as 0.5);
    - in a query string, a parameter given empty is refused rather than ignored;
    - in a form body, a boolean left out is left out, as in JSON (DRF would read it as an unticked checkbox,
      false): a 400 naming it when it is required.
    """

    echoed: tuple[str, ...] = ()
    refuse_unknown = True

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.BooleanField) and field.default is empty:
                field.default_empty_html = empty
        return fields

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        known = (*self.fields, *self.echoed)
        unknown = [key for key in data if key not in known] if self.refuse_unknown else []
        problems = {key: ["Unknown field."] for key in unknown} | _mistyped(self.fields, data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**exc.detail, **problems}) from None
        if problems:
            raise serializers.ValidationError(problems)
        return value


def _mistyped(fields, data) -> dict[str, list[str]]:
    form = hasattr(data, "getlist")
    problems = {}
    for name, field in fields.items():
        if name not in data or field.read_only:
            continue
        value = data[name]
        if form:
            if value == "" and not getattr(field, "allow_blank", False):
                problems[name] = ["May not be empty."]
        elif value is not None and (problem := _json_problem(field, value)):
            problems[name] = [problem]
    return problems


_JSON_TYPE_NAMES = {"text": "a string", "number": "a number", "boolean": "true or false"}


def _json_kind(field) -> str | None:
    if isinstance(field, serializers.CharField | serializers.DateTimeField | serializers.DateField):
        return "text"
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.FloatField | serializers.IntegerField | serializers.DecimalField):
        return "number"
    return None


def _json_problem(field, value) -> str | None:
    """Why a JSON value does not fit the field before DRF coerces or strips it, or None."""
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        kind = _json_kind(field.child)
        if kind and not all(_json_type_fits(kind, item) for item in value):
            return f"Must be a list, each item {_JSON_TYPE_NAMES[kind]}."
        return None
    kind = _json_kind(field)
    if kind and not _json_type_fits(kind, value):
        return f"Must be {_JSON_TYPE_NAMES[kind]}."
    if kind == "text":
        return _raw_text_problem(field, value)
    return None


def _json_type_fits(kind: str, value) -> bool:
    if kind == "text":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _raw_text_problem(field, value: str) -> str | None:
    """The text as sent, before DRF strips its white space: no longer than the field allows, and no control
    characters where the field refuses them (a leading tab would otherwise be stripped and pass)."""
    max_length = getattr(field, "max_length", None)
    if max_length is not None and len(value) > max_length:
        return f"Ensure this field has no more than {max_length} characters."
    if any(validator is refuse_control_characters for validator in field.validators):
        try:
            refuse_control_characters(value)
        except DjangoValidationError as exc:
            return exc.messages[0]
    return None
