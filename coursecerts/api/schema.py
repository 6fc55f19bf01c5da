"""OpenAPI helpers: the one error shape and the answers each view documents."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    error_code = serializers.CharField(help_text="Machine-readable reason, e.g. course_not_found.")
    detail = serializers.CharField(help_text="The reason, for people.")
    errors = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="400 only: each bad field with the reasons (nested like the input).",
    )


V0ErrorSerializer = inline_serializer(
    "OpenEdxV0Error",
    fields={
        "error_code": serializers.CharField(
            help_text="course_id_not_valid, no_certificate_for_user or no_certificate_configuration_for_course "
            "(exactly Open edX's body); not_found, with a detail, when the URL matches no endpoint."
        ),
        "detail": serializers.CharField(required=False),
    },
)

_DESCRIPTIONS = {
    400: "Invalid input: `errors` names each bad field.",
    401: "No credentials, or a bad or revoked token.",
    403: "Authenticated, but not allowed to do this (the reason is in `detail`).",
    404: "The named course, learner or certificate does not exist.",
    409: "Refused by the certificate rules (Open edX dashboard preconditions); the reason is in `detail`.",
    410: "Gone: the certificate's learner is retired; nothing of the certificate is shown.",
    413: "The request body is larger than the server takes (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    415: "The body's Content-Type is not one this operation takes.",
    429: "Too many requests from this client; retry after the Retry-After header's seconds.",
}
# Answers any operation may give, whatever its view does (add_common_errors).
_COMMON_DESCRIPTIONS = {
    400: "Invalid input: a malformed body or query parameter, named in `errors`.",
    404: "Nothing exists at this URL (an unknown course, learner, certificate or task).",
    406: "The Accept header asks for a type this API does not answer (it answers JSON).",
}


def errors(*codes: int) -> dict:
    """`responses` entries for these error statuses, all in the one error shape."""
    return {code: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]) for code in codes}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "coursecerts.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `coursecerts create_api_token <username>`.",
        }


class AutoSchema(openapi.AutoSchema):
    """Component names from the view: LearnerPutApi.InputSerializer becomes LearnerPutInput."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        serializer_class = type(getattr(serializer, "child", serializer))
        qualname = serializer_class.__qualname__
        if "." in qualname and not name.startswith(("Paginated", "OpenEdx")):
            parts = [part.removesuffix("Serializer").removesuffix("Api") for part in qualname.split(".")]
            name = "".join(parts)
        return name


# Path parameters get examples from the demo data (coursecerts demo), for readers of the docs page and for
# schemathesis, whose example phase then reaches real rows.
PATH_EXAMPLES = {
    "course_key": "course-v1:OLI+DATA101+2026_SP",
    "course_id": "course-v1:OLI+DATA101+2026_SP",
    "username": "demo-learner-0001",
}


def add_path_examples(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS.POSTPROCESSING_HOOKS)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"] in PATH_EXAMPLES:
                    parameter.setdefault("example", PATH_EXAMPLES[parameter["name"]])
    return result


def close_json_bodies(result, generator, request, public):
    """drf-spectacular postprocessing hook: every JSON request body, and the objects nested in it, lists all
    the keys it takes (`additionalProperties: false`), as v1 inputs refuse unknown keys
    (coursecerts.api.v1.common.StrictInputSerializer)."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                _close(body["schema"], components, seen=set())
    return result


def _close(schema: dict, components: dict, seen: set) -> None:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _close(components[name], components, seen)
        return
    if schema.get("type") == "object" and "properties" in schema:
        schema["additionalProperties"] = False
    children = [*schema.get("properties", {}).values(), *schema.get("allOf", [])]
    if "items" in schema:
        children.append(schema["items"])
    for child in children:
        _close(child, components, seen)


def add_common_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation lists the error answers that do not depend on its
    view, in the one error shape (a view's own description of a code is kept): 404 and 406 always; 400 with a
    body or query parameters; 413 and 415 with a body; 401 and 403 unless it is public."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation["responses"]
            for code in _common_codes(operation):
                description = _COMMON_DESCRIPTIONS.get(code) or _DESCRIPTIONS[code]
                responses.setdefault(str(code), {"description": description, "content": _ERROR_CONTENT})
    return result


_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _common_codes(operation: dict) -> list[int]:
    codes = [404, 406]
    if "requestBody" in operation:
        codes += [400, 413, 415]
    elif any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
        codes.append(400)
    if operation.get("security") and {} not in operation["security"]:
        codes += [401, 403]
    return codes
