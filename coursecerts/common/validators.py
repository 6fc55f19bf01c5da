"""Text that is printed (names, titles, file names) holds no invisible control characters: a BEL breaks a PDF,
and a right-to-left override makes `Bob \u202egnp.exe\u202c Smith` print as "Bob exe.png Smith" on a certificate
and in a download's file name. One rule, used by the models (so the admin refuses them too), the API
serializers and the imports; see README "Names and titles"."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# C0 controls (tab and newline too: these are single-line texts) and DEL, the C1 controls, and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). NUL is refused by Django's and DRF's own
# null-character validator, with its own message. The marks U+200E, U+200F and U+061C stay allowed: mixed
# right-to-left names need them, and they cannot reorder text.
CONTROL_CHARACTERS = re.compile("[\x01-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MESSAGE = "Control characters and bidirectional overrides (such as U+{code:04X}) are not allowed."


def refuse_control_characters(value: str) -> None:
    """A ValidationError naming the first control character in `value`, if there is one."""
    found = CONTROL_CHARACTERS.search(value or "")
    if found:
        raise ValidationError(MESSAGE.format(code=ord(found.group())), code="control_characters")


def without_control_characters(value: str) -> str:
    """`value` with its control characters removed (for names made from stored data, such as file names)."""
    return CONTROL_CHARACTERS.sub("", value)


def clean_plain_text_fields(instance, *field_names: str) -> None:
    """For a model's clean(): a ValidationError by field for each named text field that holds a control
    character. (A validator in the field would need a migration of every app; clean() needs none.)"""
    errors = {}
    for name in field_names:
        try:
            refuse_control_characters(getattr(instance, name))
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
