"""OpenAPI helpers: the one error shape and the answers each view documents."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.fields import CharField

from coursecerts.common.validators import CONTROL_CHARACTERS, refuse_control_characters


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


# The end of the text: `$` alone would also match before a final newline (in Python, which generates and checks
# these patterns), and a newline is what the server refuses or strips.
END = r"$(?!\n)"


def text_pattern(field) -> str | None:
    """The strings a text input takes, as a pattern: never NUL (DRF refuses it in every text); no control or
    bidi characters where the field refuses them (coursecerts.common.validators); and at least one character
    other than white space where blank is refused (DRF strips white space before checking)."""
    if type(field) is not CharField:  # emails, URLs, dates, choices: their format says it
        return None
    refused = "\\u0000" + (_escaped(CONTROL_CHARACTERS.pattern[1:-1]) if _refuses_controls(field) else "")
    if getattr(field, "allow_blank", False):
        return f"^[^{refused}]*{END}"
    return f"^[^{refused}]*[^{refused}\\s][^{refused}]*{END}"


def _refuses_controls(field) -> bool:
    return any(validator is refuse_control_characters for validator in field.validators)


def _escaped(characters: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() else f"\\u{ord(c):04x}" for c in characters)


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
    """Component names from the view: LearnerPutApi.InputSerializer becomes LearnerPutInput. Text inputs say
    which strings they take (text_pattern)."""

    def _map_basic_serializer(self, serializer, direction):
        self._direction = direction
        try:
            return super()._map_basic_serializer(serializer, direction)
        finally:
            self._direction = None

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if getattr(self, "_direction", None) == "request" and schema.get("type") == "string":
            pattern = text_pattern(field)
            if pattern and "pattern" not in schema and "format" not in schema and "enum" not in schema:
                schema["pattern"] = pattern

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


# What a path parameter can be: a course run's key as coursecerts.common.keys parses it (opaque-keys' characters,
# at most 255), a username as Django's validator takes it, a certificate's verify_uuid (32 hex digits), a task's
# UUID. Anything else names nothing (a 404, or a 400 where a PUT would create it).
_KEY_PART = r"[\w\-~.:]+"
_SEGMENT = r"^[^/\x00]+$"  # what coursecerts.api.urls.SegmentConverter's regex becomes in the schema
PATH_SCHEMAS = {
    "course_key": {"pattern": rf"^course-v1:{_KEY_PART}\+{_KEY_PART}\+{_KEY_PART}{END}", "maxLength": 255},
    "username": {"pattern": rf"^[\w.@+-]+{END}", "maxLength": 150},
    "verify_uuid": {"pattern": rf"^[0-9a-f]{{32}}{END}"},
    "task_id": {"format": "uuid"},
}


def add_path_examples(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS.POSTPROCESSING_HOOKS): path parameters get an
    example and, where the view gives none but the URL's <segment:> converter, the pattern of what they can be."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"] in PATH_EXAMPLES:
                    parameter.setdefault("example", PATH_EXAMPLES[parameter["name"]])
                if parameter.get("in") == "path" and parameter["schema"].get("pattern") in (None, _SEGMENT):
                    parameter["schema"].update(PATH_SCHEMAS.get(parameter["name"], {}))
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


# OpenAPI links: which answer feeds which operation (a run's PUT gives the key its configuration, lists and
# generation take; a generation's 202 gives the task to follow...). Clients can read the API's flows from them,
# and schemathesis' stateful phase follows them (.ci/schemathesis).
_RUN = {"course_key": "$response.body#/course_key"}
_RUN_LEARNER = {**_RUN, "username": "$response.body#/username"}
LINKS = {
    "v1_courses_update": (
        _RUN,
        [
            "v1_courses_certificate_configuration_update",
            "v1_courses_certificates_retrieve",
            "v1_courses_certificates_generate_create",
            "v1_courses_certificates_regenerate_create",
            "v1_courses_generation_history_retrieve",
            "v1_courses_report_list",
            "v1_courses_import_create",
        ],
    ),
    "v1_learners_update": (
        {"username": "$response.body#/username"},
        ["v1_learners_id_verification_update", "v1_learners_retire_create", "certificates_v0_list"],
    ),
    "v1_courses_enrollments_update": (
        _RUN_LEARNER,
        [
            "v1_courses_grades_update",
            "v1_courses_allowlist_update",
            "v1_courses_invalidations_update",
            "v1_courses_roles_update",
        ],
    ),
    "v1_courses_grades_update": (
        _RUN_LEARNER,
        ["v1_courses_invalidations_update", "v1_courses_allowlist_update"],
    ),
    "v1_courses_allowlist_update": (_RUN_LEARNER, ["v1_courses_allowlist_destroy"]),
    "v1_courses_invalidations_update": (_RUN_LEARNER, ["v1_courses_invalidations_destroy"]),
    "v1_courses_roles_update": (_RUN_LEARNER, ["v1_courses_roles_destroy"]),
    # Only the 202 of a started run has a task (a dry run's 200 has none).
    "v1_courses_certificates_generate_create": (
        {"task_id": "$response.body#/id"},
        ["v1_tasks_retrieve"],
        "202",
    ),
    "v1_courses_certificates_regenerate_create": (
        {"task_id": "$response.body#/id"},
        ["v1_tasks_retrieve"],
        "202",
    ),
    "v1_courses_certificates_retrieve": (
        {"verify_uuid": "$response.body#/results/0/verify_uuid"},
        ["v1_certificates_retrieve", "v1_certificates_history_list", "v1_certificates_date_override_update"],
    ),
    "v1_certificates_date_override_update": (
        {"verify_uuid": "$response.body#/verify_uuid"},
        ["v1_certificates_date_override_destroy", "v1_certificates_history_list"],
    ),
    "v1_webhooks_create": (
        {"webhook_id": "$response.body#/id"},
        [
            "v1_webhooks_retrieve",
            "v1_webhooks_partial_update",
            "v1_webhooks_rotate_secret_create",
            "v1_webhooks_messages_retrieve",
            "v1_webhooks_redeliver_create",
            "v1_webhooks_destroy",
        ],
        "201",
    ),
}


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: LINKS on each success answer of their source operation (or on the
    one answer named)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            parameters, targets, *codes = LINKS.get(operation["operationId"], ({}, []))
            for code, response in operation["responses"].items():
                if targets and (code in codes if codes else code.startswith("2")):
                    response["links"] = {
                        target: {"operationId": target, "parameters": parameters} for target in targets
                    }
    return result
