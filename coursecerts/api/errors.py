"""One error shape for the whole API, made by one exception handler (settings REST_FRAMEWORK.EXCEPTION_HANDLER).

    {"error_code": "<machine-readable>", "detail": "<sentence for people>", "errors": {<field>: [<why>]}}

`errors` is present only on 400 answers about the input; it names each bad field (nested like the input).
Domain refusals (coursecerts ApplicationError) answer 409 with the service's message, except the Open edX v0
404s, whose body stays exactly Open edX's `{"error_code": ...}` (ADR 0008). A body over Django's
DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 and any other request Django finds suspicious a 400, in the same shape
(rather than Django's HTML 400 page).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from coursecerts.certificates.services.date_override import DateOverrideError
from coursecerts.common.errors import ApplicationError


class ApiError(exceptions.APIException):
    """An error with an explicit error_code, raised by views: `raise ApiError(404, "course_not_found", "...")`."""

    def __init__(self, status_code: int, error_code: str, detail: str, errors: dict | None = None):
        super().__init__(detail=detail, code=error_code)
        self.status_code = status_code
        self.error_code = error_code
        self.errors = errors


class OpenEdxV0Error(exceptions.APIException):
    """An Open edX v0 error: answered as exactly `{"error_code": code}` (HTTP 404), as Open edX does."""

    status_code = status.HTTP_404_NOT_FOUND

    def __init__(self, error_code: str):
        super().__init__(detail=error_code, code=error_code)
        self.error_code = error_code


def not_found(error_code: str, detail: str) -> ApiError:
    return ApiError(status.HTTP_404_NOT_FOUND, error_code, detail)


def request_too_large() -> ApiError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return ApiError(
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        "request_too_large",
        f"The request body is larger than {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE). "
        "Send large rosters to the import endpoint.",
    )


def error_body(error_code: str, detail: str, errors=None) -> dict:
    body = {"error_code": error_code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def _django_validation_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def _application_error(exc: ApplicationError) -> Response:
    code = exc.extra.get("code")
    if isinstance(exc, DateOverrideError):
        return Response(
            error_body(code or "invalid_input", exc.message, {"reason": [exc.message]}),
            status=status.HTTP_400_BAD_REQUEST,
        )
    code = code or _snake(type(exc).__name__)
    status_code = exc.extra.get("status", status.HTTP_409_CONFLICT)
    return Response(error_body(code, exc.message), status=status_code)


def _bad_request(exc: SuspiciousOperation) -> ApiError:
    """Django's refusals of a request (too many fields, a malformed multipart body...): a 400 saying why."""
    return ApiError(status.HTTP_400_BAD_REQUEST, "bad_request", str(exc) or "Bad request.")


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def exception_handler(exc, context):
    """Map every error to the one shape; anything unexpected is left to Django (a 500, logged)."""
    if isinstance(exc, OpenEdxV0Error):
        return Response({"error_code": exc.error_code}, status=exc.status_code)
    if isinstance(exc, ApplicationError):
        return _application_error(exc)
    if isinstance(exc, SuspiciousOperation):
        exc = request_too_large() if isinstance(exc, RequestDataTooBig) else _bad_request(exc)
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation_errors(exc)
        return Response(
            error_body("invalid_input", _summary(errors), errors), status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = error_body(exc.error_code, str(exc.detail), exc.errors)
    elif isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid_input", _summary(errors), errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "not_found"
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            code = (
                "not_authenticated"
                if isinstance(exc, exceptions.NotAuthenticated)
                else "authentication_failed"
            )
        response.data = error_body(code if isinstance(code, str) else "error", str(detail))
    return response


def _summary(errors: dict) -> str:
    fields = [field for field in errors if field != "non_field_errors"]
    if fields:
        return "Invalid input: " + ", ".join(sorted(fields)) + "."
    messages = errors.get("non_field_errors") or ["Invalid input."]
    return str(messages[0])
