"""The API's JSON parser (settings REST_FRAMEWORK.DEFAULT_PARSER_CLASSES): a body nested too deeply or with a
duplicated key is a 400 in the one error shape (coursecerts.common.json_input), never a 500 or a silent pick;
a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, as Django refuses a form that large."""

from __future__ import annotations

from django.conf import settings
from rest_framework import parsers

from coursecerts.api.errors import ApiError, request_too_large
from coursecerts.common.json_input import JsonInputError, json_loads


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise request_too_large()
        try:
            return json_loads(body.decode(encoding))
        except UnicodeDecodeError:
            raise _parse_error(f"The body is not {encoding}.") from None
        except JsonInputError as exc:
            raise _parse_error(exc.message, {key: ["Duplicated key."] for key in exc.keys}) from None
        except ValueError as exc:
            raise _parse_error(f"JSON parse error - {exc}") from None


def _parse_error(detail: str, errors: dict | None = None) -> ApiError:
    return ApiError(400, "parse_error", detail, errors or {"non_field_errors": [detail]})
