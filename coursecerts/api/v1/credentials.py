"""POST /api/v1/credentials/verify: anyone may hand in an Open Badges credential (the JSON as the body, or a form
upload) and learn whether it holds: signature, issuer, status, and what it says (docs/web-certificates.md).

The answer depends only on the credential handed in, never on a lookup by an id the client chose, so it tells
nothing about other certificates (no enumeration); it is rate-limited per client like the certificate
verification (API_THROTTLE_VERIFY). A credential that fails verification is still a 200: the question was
answered, and `checks` says which check failed and why. Input that is not a credential at all is a 400."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import ApiError
from coursecerts.api.schema import ErrorSerializer, errors
from coursecerts.api.throttling import VerifyThrottle
from coursecerts.common.credential_input import (
    MAX_CREDENTIAL_BYTES,
    CredentialInputError,
    credential_from_bytes,
)
from coursecerts.credentials.verification import credential_verify

CREDENTIAL_MEDIA_TYPES = (
    "application/json",
    "application/ld+json",
    "application/vc",
    "application/vc+ld+json",
)


class CredentialBodyParser(parsers.BaseParser):
    """The body as bytes, read up to the credential limit; common.credential_input decides what it is."""

    media_type = "application/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"raw": stream.read(MAX_CREDENTIAL_BYTES + 1) if stream is not None else b""}


def _raw_credential(request) -> bytes:
    media_type = (request.content_type or "").split(";")[0].strip().lower()
    if media_type.startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is not None:
            return upload.read(MAX_CREDENTIAL_BYTES + 1)
        return str(request.data.get("credential", "")).encode()
    if request.META.get("CONTENT_LENGTH") in (None, "", "0"):
        return b""  # nothing sent: credential_missing (a 400), whatever the media type
    if media_type not in CREDENTIAL_MEDIA_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Send the credential as JSON ({', '.join(CREDENTIAL_MEDIA_TYPES)}) or as multipart/form-data "
            "with a `file` (or a `credential` text field).",
        )
    return request.data.get("raw", b"")


def credential_verification_answer(verification) -> dict:
    """The answer's body from the credentials app's CredentialVerification."""
    return {
        "verified": bool(verification.ok),
        "status": verification.status or None,
        "checks": [
            {"name": check.name, "passed": bool(check.passed), "reason": check.reason or ""}
            for check in verification.checks
        ],
        "credential": verification.facts or None,
    }


class CredentialVerifyApi(APIView):
    """Anyone may verify; rate-limited per client (API_THROTTLE_VERIFY)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]
    parser_classes = [CredentialBodyParser, parsers.MultiPartParser]

    class CheckSerializer(serializers.Serializer):
        name = serializers.CharField(help_text="shape, issuer, signature or status.")
        passed = serializers.BooleanField()
        reason = serializers.CharField(allow_blank=True, help_text="Why it failed; empty when it passed.")

    class OutputSerializer(serializers.Serializer):
        verified = serializers.BooleanField(help_text="True only when every check passed.")
        status = serializers.ChoiceField(
            choices=["valid", "revoked", "expired"],
            allow_null=True,
            help_text="Its status list's answer (expired: past its validUntil); null if unknown.",
        )
        checks = serializers.ListField(child=serializers.DictField())
        credential = serializers.DictField(
            allow_null=True, help_text="What the credential says: name, course, organization, date."
        )

    @extend_schema(
        summary="Verify an Open Badges credential (public)",
        auth=[],
        request={
            "application/json": {
                "type": "object",
                "description": "The credential (an OpenBadgeCredential, as JSON). A form upload "
                "(multipart/form-data with a `file`, or a `credential` text field) is taken too, and "
                "application/ld+json, application/vc and application/vc+ld+json bodies alike.",
            },
        },
        responses={
            200: OpenApiResponse(
                OutputSerializer,
                description="Verified or not: `verified`, each check with its reason, and what it says.",
                examples=[
                    OpenApiExample(
                        "revoked",
                        value={
                            "verified": False,
                            "checks": [
                                {"name": "signature", "passed": True, "reason": ""},
                                {"name": "status", "passed": False, "reason": "The issuer has revoked it."},
                            ],
                            "status": "revoked",
                            "credential": {"name": "Jane Doe", "course": "Data Science 101"},
                        },
                    )
                ],
            ),
            400: OpenApiResponse(
                ErrorSerializer,
                description="Not a credential: credential_missing, credential_not_json, not_a_credential "
                "or credential_unsigned.",
            ),
            413: OpenApiResponse(ErrorSerializer, description="credential_too_large: over 256 KiB."),
            **errors(415, 429),
        },
        tags=["v1 public"],
    )
    def post(self, request):
        try:
            document = credential_from_bytes(_raw_credential(request))
        except CredentialInputError as exc:
            status = 413 if exc.code == "credential_too_large" else 400
            raise ApiError(status, exc.code, exc.message, {"credential": [exc.message]}) from None
        verification = credential_verify(document=document)
        return Response(credential_verification_answer(verification))
