"""GET /api/v1/certificates/{verify_uuid}: public verification, no login (ADR 0011).

A certificate is public once it has been issued and its run shows certificates (display rules, reference 3.2);
a public certificate answers whether it is valid now and, if not, why. Unknown and non-public uuids answer the
same 404, so the endpoint reveals nothing about certificates that were never shown. The answer holds only what
is printed on the certificate: no email, no username, no grade. A retired learner's certificate answers 410 Gone
and nothing else (ADR 0012)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import ApiError, not_found
from coursecerts.api.schema import errors
from coursecerts.api.throttling import VerifyThrottle
from coursecerts.certificates.display import certificates_viewable_for_course, display_date_for_certificate
from coursecerts.certificates.events import certificate_url
from coursecerts.certificates.models import PASSED_STATUSES, CertificateStatuses, GeneratedCertificate
from coursecerts.learners.selectors import certificate_of_retired_learner

_WHY = {
    "valid": "The certificate is valid.",
    "invalidated": "The certificate has been invalidated by the course team.",
    "revoked": "The certificate has been revoked.",
}


def certificate_get_public(verify_uuid: str) -> GeneratedCertificate | None:
    certificate = (
        GeneratedCertificate.objects.select_related(
            "course", "course__organization", "course__certificate_configuration", "date_override"
        )
        .filter(verify_uuid=verify_uuid)
        .first()
    )
    if certificate is None:
        return None
    issued = certificate.issued_date is not None or certificate.status in PASSED_STATUSES
    return certificate if issued and certificates_viewable_for_course(certificate.course) else None


def verification_facts(certificate: GeneratedCertificate) -> dict:
    invalidated = certificate.invalidations.filter(active=True).exists()
    if invalidated or certificate.status == CertificateStatuses.UNAVAILABLE:
        state = "invalidated"
    elif certificate.status in PASSED_STATUSES:
        state = "valid"
    else:
        state = "revoked"
    run = certificate.course
    configuration = getattr(run, "certificate_configuration", None)
    course_title = certificate.course_title or run.display_name
    printed = display_date_for_certificate(certificate, run)
    return {
        "verify_uuid": certificate.verify_uuid,
        "valid": state == "valid",
        "status": state,
        "status_message": _WHY[state],
        "learner_name": certificate.name,
        "course_key": str(run.id),
        "course_title": course_title,
        "organization": run.organization.name,
        "certificate_title": (configuration.title if configuration and configuration.title else course_title),
        "certificate_type": certificate.mode,
        "issue_date": printed.date() if printed else None,
        "certificate_url": certificate_url(certificate),
    }


class CertificateVerifyApi(APIView):
    """Anyone may verify; rate-limited per client (API_THROTTLE_VERIFY)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    class OutputSerializer(serializers.Serializer):
        verify_uuid = serializers.CharField()
        valid = serializers.BooleanField()
        status = serializers.ChoiceField(choices=list(_WHY))
        status_message = serializers.CharField()
        learner_name = serializers.CharField()
        course_key = serializers.CharField()
        course_title = serializers.CharField()
        organization = serializers.CharField()
        certificate_title = serializers.CharField()
        certificate_type = serializers.CharField()
        issue_date = serializers.DateField(allow_null=True)
        certificate_url = serializers.URLField()

    @extend_schema(
        summary="Verify a certificate (public)",
        auth=[],
        responses={200: OutputSerializer, **errors(404, 410, 429)},
        tags=["v1 public"],
    )
    def get(self, request, verify_uuid):
        certificate = certificate_get_public(verify_uuid)
        if certificate is None:
            raise not_found("certificate_not_found", "No such certificate.")
        if certificate_of_retired_learner(certificate):
            raise ApiError(410, "certificate_gone", "This certificate is no longer available.")
        return Response(self.OutputSerializer(verification_facts(certificate)).data)
