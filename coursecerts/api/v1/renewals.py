"""POST /api/v1/certificates/{verify_uuid}/renewals: the course team grants a renewal (ADR 0025).

Body: `course_key`, a later run of the same course in which the learner is enrolled, and an optional `note`.
The learner is put on that run's allowlist and issued a certificate there now, which renews this one (its
`previous_certificate`; both histories name the other). The run's instructors and global staff may; a
certificate of another course answers as an unknown one (404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import not_found
from coursecerts.api.lookups import course_run_or_404
from coursecerts.api.permissions import COURSE_WRITE_ROLES, require_course_role
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictInputSerializer
from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.selectors import certificate_get
from coursecerts.certificates.services.renewal import certificate_renewal_grant, same_course_prefix


class CertificateRenewalApi(APIView):
    class InputSerializer(StrictInputSerializer):
        course_key = serializers.CharField(max_length=255, help_text="A later run of the same course.")
        note = serializers.CharField(allow_blank=True, default="", max_length=10000)

    class OutputSerializer(serializers.Serializer):
        outcome = serializers.CharField(help_text="The generation's outcome in the run, e.g. downloadable.")
        reason = serializers.CharField()
        verify_uuid = serializers.CharField(allow_null=True, help_text="The new certificate, when issued.")
        certificate_url = serializers.CharField(allow_null=True)
        renews = serializers.CharField(help_text="The certificate renewed (this one).")

    @extend_schema(
        summary="Grant a renewal of a certificate in a later run of the same course",
        request=InputSerializer,
        responses={200: OutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=["v1 course team"],
    )
    def post(self, request, verify_uuid):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = course_run_or_404(serializer.validated_data["course_key"])
        require_course_role(request, run.pk, COURSE_WRITE_ROLES)
        certificate = (
            GeneratedCertificate.objects.select_related("user", "course")
            .filter(verify_uuid=verify_uuid, course__id__startswith=same_course_prefix(run))
            .first()
        )
        if certificate is None:
            raise not_found("certificate_not_found", f"No certificate {verify_uuid} of this course.")
        decision = certificate_renewal_grant(
            certificate=certificate,
            course_run=run,
            actor=request.user,
            note=serializer.validated_data["note"],
        )
        issued = certificate_get(user=certificate.user, course_run=run)
        linked = issued is not None and issued.previous_certificate_id == certificate.pk
        data = {
            "outcome": decision.outcome,
            "reason": decision.reason,
            "verify_uuid": issued.verify_uuid if linked else None,
            "certificate_url": certificate_url(issued) if linked else None,
            "renews": certificate.verify_uuid,
        }
        return Response(self.OutputSerializer(data).data)
