"""Pieces the v1 views share."""

from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.response import Response

from coursecerts.api.errors import ApiError


def put_response(data, created: bool) -> Response:
    """A PUT's answer: the stored resource, 201 when it was created, 200 when it was updated."""
    return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def check_username(username: str) -> None:
    """A username in a URL that will be created must be a valid Django username (400 naming `username`)."""
    problems = []
    if len(username) > 150:
        problems.append("Ensure this field has no more than 150 characters.")
    try:
        UnicodeUsernameValidator()(username)
    except DjangoValidationError as exc:
        problems.extend(exc.messages)
    if problems:
        raise ApiError(400, "invalid_input", "Invalid input: username.", {"username": problems})


class StrictBooleanField(serializers.BooleanField):
    """true or false only (DRF also takes "yes", 1, "on"...: too loose for an API that must be exact)."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")
