"""GET /api/v1/certificates/{verify_uuid}: public verification, no login (ADR 0011).

The answer follows the certificate's own public state (certificates.display.certificate_record_status, the
rule the page and its PDF apply before their run's web settings): a valid certificate answers 200 with only what
is printed on it (no email, no username, no grade), an expired one the same with `valid: false` and
`status: expired` (ADR 0025); one that is no longer valid answers 410 Gone saying whether
it was invalidated or revoked and when, without the learner's name; a retired learner's answers 410 Gone and
nothing else (ADR 0012). Unknown, never issued and not yet shown certificates answer the same 404, so the
endpoint reveals nothing about certificates that were never shown. Unlike the page, it does not depend on web
certificates being on or on an active configuration (ADR 0011). The titles are the page's
(rendering.configuration.printed_titles)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import error_body, not_found
from coursecerts.api.schema import ErrorSerializer, errors
from coursecerts.api.throttling import VerifyThrottle
from coursecerts.certificates.display import (
    GONE_STATES,
    VIEWABLE_STATES,
    PublicState,
    PublicStatus,
    certificate_record_status,
    display_date_for_certificate,
)
from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.rendering.configuration import printed_titles
from coursecerts.certificates.selectors import certificate_get_for_verification

_GONE = {
    PublicState.INVALIDATED: ("certificate_invalidated", "The certificate was invalidated on {date}."),
    PublicState.REVOKED: ("certificate_revoked", "The certificate was revoked on {date}."),
    PublicState.RETIRED: ("certificate_gone", "This certificate is no longer available."),
}


def verification_facts(certificate: GeneratedCertificate, public: PublicStatus | None = None) -> dict:
    """What a valid (or expired, ADR 0025) certificate's verification shows: what is printed on it, and its
    expiry date."""
    run = certificate.course
    expired = public is not None and public.state is PublicState.EXPIRED
    expires_on = certificate.expires_date.date() if certificate.expires_date else None
    certificate_title, course_title = printed_titles(
        run, mode=certificate.mode, stored_course_title=certificate.course_title
    )
    printed = display_date_for_certificate(certificate, run)
    return {
        "verify_uuid": certificate.verify_uuid,
        "valid": not expired,
        "status": "expired" if expired else "valid",
        "status_message": f"The certificate expired on {expires_on}."
        if expired
        else "The certificate is valid.",
        "learner_name": certificate.name,
        "course_key": str(run.id),
        "course_title": course_title,
        "organization": run.organization.name,
        "certificate_title": certificate_title,
        "certificate_type": certificate.mode,
        "issue_date": printed.date() if printed else None,
        "certificate_url": certificate_url(certificate),
        "expires_on": expires_on,
    }


def gone_body(public: PublicStatus) -> dict:
    """The 410 answer: the one error shape, plus the state and the date it was withdrawn (none when retired)."""
    error_code, detail = _GONE[public.state]
    withdrawn_on = public.withdrawn_at.date() if public.withdrawn_at else None
    body = error_body(error_code, detail.format(date=withdrawn_on.isoformat() if withdrawn_on else ""))
    return {**body, "status": public.state.value, "withdrawn_on": withdrawn_on}


class CertificateVerifyApi(APIView):
    """Anyone may verify; rate-limited per client (API_THROTTLE_VERIFY)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    class GoneSerializer(ErrorSerializer):
        status = serializers.ChoiceField(choices=sorted(state.value for state in GONE_STATES))
        withdrawn_on = serializers.DateField(
            allow_null=True, help_text="When it stopped being valid; null when the learner is retired."
        )

    class OutputSerializer(serializers.Serializer):
        verify_uuid = serializers.CharField()
        valid = serializers.BooleanField()
        status = serializers.ChoiceField(choices=["valid", "expired"])
        status_message = serializers.CharField()
        learner_name = serializers.CharField()
        course_key = serializers.CharField()
        course_title = serializers.CharField()
        organization = serializers.CharField()
        certificate_title = serializers.CharField()
        certificate_type = serializers.CharField()
        issue_date = serializers.DateField(allow_null=True)
        certificate_url = serializers.URLField()
        expires_on = serializers.DateField(
            allow_null=True, help_text="When it expires (or expired: status expired); null: it never expires."
        )

    @extend_schema(
        summary="Verify a certificate (public)",
        auth=[],
        responses={
            200: OutputSerializer,
            410: OpenApiResponse(
                GoneSerializer,
                description="Gone: the certificate was invalidated or revoked (`withdrawn_on` says when), or its "
                "learner is retired; nothing else of it is shown (ADR 0011).",
            ),
            **errors(404, 429),
        },
        tags=["v1 public"],
    )
    def get(self, request, verify_uuid):
        certificate = certificate_get_for_verification(verify_uuid)
        public = certificate_record_status(certificate)
        if public.state in GONE_STATES:
            return Response(self.GoneSerializer(gone_body(public)).data, status=410)
        if public.state not in VIEWABLE_STATES:
            raise not_found("certificate_not_found", "No such certificate.")
        return Response(self.OutputSerializer(verification_facts(certificate, public)).data)
