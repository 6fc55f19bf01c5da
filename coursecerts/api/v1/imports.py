"""POST /api/v1/courses/{course_key}/import: a run's learners from a CSV or JSON-lines file (ADR 0009)."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from typing import IO

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import ApiError
from coursecerts.api.lookups import course_run_or_404
from coursecerts.api.permissions import IsGlobalStaff
from coursecerts.api.schema import ErrorSerializer, errors
from coursecerts.api.v1.import_files import COLUMNS, RosterErrors, roster_file_import

_FORMATS = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}


# The body is copied from the request into a file kept in memory up to this size, on disk beyond it.
_SPOOL_BYTES = 1024 * 1024
_READ_BYTES = 64 * 1024


class _RawParser(BaseParser):
    """The body as a file, copied from the stream with its own size limit (API_IMPORT_MAX_BYTES), so a file of
    100,000 rows is not refused by Django's 2.5 MB form limit, and a large one is never held in memory."""

    def parse(self, stream, media_type=None, parser_context=None):
        file_format = _FORMATS.get((media_type or "").split(";")[0].strip())
        if file_format is None:  # a wildcard such as */* or text/* matches a parser but names no format
            raise exceptions.UnsupportedMediaType(media_type)
        limit = settings.API_IMPORT_MAX_BYTES
        body, size = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES), 0
        while stream is not None and (data := stream.read(_READ_BYTES)):
            size += len(data)
            if size > limit:
                body.close()
                raise ApiError(413, "file_too_large", f"The file is larger than {limit} bytes.")
            body.write(data)
        return {"format": file_format, "file": body}


class CsvParser(_RawParser):
    media_type = "text/csv"


class JsonLinesParser(_RawParser):
    media_type = "application/x-ndjson"


class JsonLinesAltParser(_RawParser):
    media_type = "application/jsonl"


class CourseImportApi(APIView):
    """Validates the whole file first: any bad row and nothing is written (400 listing every bad row with its
    line number and reasons). Otherwise writes every row in one transaction and answers the counts."""

    permission_classes = [IsGlobalStaff]
    parser_classes = [CsvParser, JsonLinesParser, JsonLinesAltParser, MultiPartParser]

    class OutputSerializer(serializers.Serializer):
        rows = serializers.IntegerField()
        created = serializers.IntegerField(help_text="Rows whose enrollment is new.")
        updated = serializers.IntegerField(help_text="Rows that changed the learner, enrollment or grade.")
        unchanged = serializers.IntegerField()
        learners_created = serializers.IntegerField()
        generation_queued = serializers.IntegerField(
            help_text="Learners whose certificate generation was queued."
        )
        certificates_marked_notpassing = serializers.IntegerField()

    @extend_schema(
        summary="Import a run's learners (CSV or JSON lines)",
        description=f"Columns: {', '.join(COLUMNS)} (username and mode required; percent and passed together). "
        "Send the file as the body (text/csv with a header row, or application/x-ndjson), or as the multipart "
        "field `file` (.csv or .jsonl). Row numbers in errors are the file's line numbers.",
        request={
            "text/csv": str,
            "application/x-ndjson": str,
            "multipart/form-data": inline_serializer(
                "ImportUpload", fields={"file": serializers.FileField()}
            ),
        },
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Nothing was written. error_code invalid_rows: `errors.file` lists the file's "
                "problems and `errors.rows` each bad row ({row, errors: {field: [why]}}); invalid_input: no file.",
                examples=[
                    OpenApiExample(
                        "bad rows",
                        value={
                            "error_code": "invalid_rows",
                            "detail": "2 rows are invalid; nothing was imported.",
                            "errors": {
                                "file": [],
                                "rows": [{"row": 3, "errors": {"percent": ["Must be ..."]}}],
                            },
                        },
                    )
                ],
            ),
            **errors(401, 403, 404),
            413: OpenApiResponse(
                ErrorSerializer, description="The file is larger than API_IMPORT_MAX_BYTES."
            ),
        },
        tags=["v1 data in"],
    )
    def post(self, request, course_key):
        run = course_run_or_404(course_key)
        file_format, file = _file(request)
        try:
            result = roster_file_import(course_run=run, file=file, file_format=file_format)
        except RosterErrors as exc:
            count = len(exc.rows)
            detail = f"{count} rows are invalid; nothing was imported." if count else exc.general[0]
            raise ApiError(400, "invalid_rows", detail, {"file": exc.general, "rows": exc.rows}) from None
        except UnicodeDecodeError:
            raise ApiError(
                400, "invalid_input", "The file is not UTF-8.", {"file": ["The file is not UTF-8."]}
            ) from None
        finally:
            file.close()
        return Response(self.OutputSerializer(asdict(result)).data)


def _file(request) -> tuple[str, IO[bytes]]:
    data = request.data
    if "file" in data and "format" in data and not hasattr(data, "getlist"):
        return data["format"], data["file"]
    upload = request.FILES.get("file")
    if upload is None:
        message = (
            "Send the file as a text/csv or application/x-ndjson body, or as the multipart field `file`."
        )
        raise ApiError(400, "invalid_input", message, {"file": [message]})
    if upload.size > settings.API_IMPORT_MAX_BYTES:
        raise ApiError(
            413, "file_too_large", f"The file is larger than {settings.API_IMPORT_MAX_BYTES} bytes."
        )
    file_format = "jsonl" if upload.name.endswith((".jsonl", ".ndjson")) else "csv"
    return file_format, upload.open("rb")
