"""Open edX Certificates API v0, to the letter (ADR 0008): same URLs, fields, errors and permissions, so
clients written for Open edX (the Credentials service, the mobile apps) work unchanged.

Differences, both in ADR 0008: the list is visible to the learner and global staff only (Open edX also shows it
to anyone when the learner's profile makes certificates public; coursecerts has no profile-visibility
preference), and another user's list answers 403 instead of an empty list or a server error.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import OpenEdxV0Error
from coursecerts.api.permissions import IsOwnerOrGlobalStaff
from coursecerts.api.schema import V0ErrorSerializer, errors
from coursecerts.api.throttling import V0ListThrottle
from coursecerts.certificates import selectors
from coursecerts.certificates.display import (
    active_configuration,
    certificate_download_url,
    certificates_viewable_for_course,
)
from coursecerts.certificates.models import PASSED_STATUSES
from coursecerts.common.keys import InvalidCourseKey, parse_course_key


def _username_param():
    return OpenApiParameter("username", str, OpenApiParameter.PATH, pattern=r"^[\w.@+-]+$")


class CertificateDetailV0Api(APIView):
    """GET /api/certificates/v0/certificates/{username}/courses/{course_id}/ (name `detail`)."""

    permission_classes = [IsOwnerOrGlobalStaff]

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        course_id = serializers.CharField(source="course_id_str")
        certificate_type = serializers.CharField(source="mode")
        created_date = serializers.DateTimeField()
        status = serializers.CharField()
        is_passing = serializers.SerializerMethodField()
        download_url = serializers.SerializerMethodField()
        grade = serializers.CharField()

        def get_is_passing(self, certificate) -> bool:
            return certificate.status in PASSED_STATUSES

        def get_download_url(self, certificate) -> str | None:
            return certificate_download_url(certificate)

    @extend_schema(
        operation_id="certificates_v0_detail",
        summary="A learner's certificate in one course run (Open edX v0)",
        parameters=[
            _username_param(),
            OpenApiParameter(
                "course_id", str, OpenApiParameter.PATH, pattern=r"^[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+$"
            ),
        ],
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(V0ErrorSerializer, description="Open edX error codes, body {error_code}."),
            **errors(401, 403),
        },
        tags=["Open edX v0"],
    )
    def get(self, request, username, course_id):
        try:
            course_key = parse_course_key(course_id)
        except InvalidCourseKey:
            raise OpenEdxV0Error("course_id_not_valid") from None
        certificate = selectors.certificate_get_eligible(username=username, course_key=course_key)
        if certificate is None:
            raise OpenEdxV0Error("no_certificate_for_user")
        if not certificate.is_pdf_certificate and active_configuration(certificate.course) is None:
            raise OpenEdxV0Error("no_certificate_configuration_for_course")
        return Response(self.OutputSerializer(certificate).data)


class CertificateListV0Api(APIView):
    """GET /api/certificates/v0/certificates/{username}/ (name `list`): the learner's passing certificates of
    runs whose certificates are viewable and that have an active web configuration (or a PDF), oldest first."""

    permission_classes = [IsOwnerOrGlobalStaff]
    throttle_classes = [V0ListThrottle]

    class OutputSerializer(CertificateDetailV0Api.OutputSerializer):
        course_display_name = serializers.CharField(source="course.display_name")
        course_organization = serializers.CharField(source="course.organization.short_name")
        modified_date = serializers.DateTimeField()
        uuid = serializers.CharField(source="verify_uuid")

        class Meta:
            fields = [
                "username",
                "course_id",
                "course_display_name",
                "course_organization",
                "certificate_type",
                "created_date",
                "modified_date",
                "status",
                "is_passing",
                "download_url",
                "grade",
                "uuid",
            ]

    @extend_schema(
        operation_id="certificates_v0_list",
        summary="A learner's certificates (Open edX v0)",
        parameters=[_username_param()],
        responses={
            200: OutputSerializer(many=True),
            404: OpenApiResponse(V0ErrorSerializer, description="The URL matches no endpoint."),
            **errors(401, 403, 429),
        },
        tags=["Open edX v0"],
    )
    def get(self, request, username):
        certificates = [
            certificate
            for certificate in selectors.certificate_list_passing_for_user(username=username)
            if certificates_viewable_for_course(certificate.course)
            and (certificate.is_pdf_certificate or active_configuration(certificate.course) is not None)
        ]
        data = self.OutputSerializer(certificates, many=True).data
        order = self.OutputSerializer.Meta.fields
        return Response([{field: row[field] for field in order} for row in data])
