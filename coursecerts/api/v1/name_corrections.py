"""v1 name corrections (ADR 0024, README "Name corrections, expiry and renewal").

- POST /api/v1/certificates/{verify_uuid}/name-corrections: ask (the learner, or the platform with a global
  staff token acting for them); GET: the certificate's requests (the learner, the run's course team, staff).
- GET /api/v1/certificates/{verify_uuid}/name-correction-link: the signed, expiring link to the learner's form
  (the learner, or the platform to put in its own pages and emails).
- GET /api/v1/courses/{course_key}/name-corrections?status=pending: a run's requests (course staff read).
- GET /api/v1/name-corrections/{id}; POST .../approve and .../refuse with a note: the run's instructors and
  global staff decide.

To anyone who may not see a certificate, it answers as an unknown id does (404): no existence oracle."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import not_found
from coursecerts.api.lookups import course_run_or_404
from coursecerts.api.permissions import (
    COURSE_READ_ROLES,
    COURSE_WRITE_ROLES,
    CourseRolePermission,
    has_course_role,
    is_global_staff,
    require_course_role,
)
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictInputSerializer
from coursecerts.api.v1.pagination import PAGE_PARAMETERS, paginate, paginated
from coursecerts.certificates.models import (
    GeneratedCertificate,
    NameCorrectionRequest,
    NameCorrectionStatuses,
)
from coursecerts.certificates.services.name_correction import (
    CHANNEL_API,
    REASON_MAX_LENGTH,
    name_correction_approve,
    name_correction_refuse,
    name_correction_request,
    name_correction_url,
)
from coursecerts.common.validators import refuse_control_characters

TAG = "v1 name corrections"
NOTE = serializers.CharField(allow_blank=True, default="", max_length=10000)


class NameCorrectionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verify_uuid = serializers.CharField(source="certificate.verify_uuid")
    username = serializers.CharField(source="user.username")
    course_key = serializers.CharField(source="certificate.course_id")
    current_name = serializers.CharField(help_text="The name printed when it was asked.")
    requested_name = serializers.CharField()
    reason = serializers.CharField()
    channel = serializers.CharField(help_text="api or link")
    status = serializers.ChoiceField(choices=NameCorrectionStatuses.choices)
    created = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


def _corrections():
    return NameCorrectionRequest.objects.select_related("certificate", "user", "decided_by")


def _certificate_for(request, verify_uuid: str, *, learner: bool, course_roles) -> GeneratedCertificate:
    """The certificate, for its learner (when `learner`), global staff, or its run's course team in
    `course_roles`; 404 to anyone else, as for an unknown id."""
    certificate = GeneratedCertificate.objects.select_related("user", "course").filter(
        verify_uuid=verify_uuid
    )
    certificate = certificate.first()
    user = request.user
    allowed = certificate is not None and (
        is_global_staff(user)
        or (learner and user.is_authenticated and user.pk == certificate.user_id)
        or (course_roles and has_course_role(user, certificate.course_id, course_roles))
    )
    if not allowed:
        raise not_found("certificate_not_found", f"No certificate {verify_uuid}.")
    return certificate


def _correction_for(request, correction_id: int, roles) -> NameCorrectionRequest:
    """The request, to its run's course team (403 for a reader asking to decide) and global staff; its learner
    may read it; 404 to anyone else."""
    correction = _corrections().filter(pk=correction_id).first()
    user = request.user
    if correction is None or not (
        has_course_role(user, correction.certificate.course_id, COURSE_READ_ROLES)
        or (roles is COURSE_READ_ROLES and user.is_authenticated and user.pk == correction.user_id)
    ):
        raise not_found("name_correction_not_found", f"No name correction {correction_id}.")
    if roles is not COURSE_READ_ROLES:
        require_course_role(request, correction.certificate.course_id, roles)
    return correction


class CertificateNameCorrectionsApi(APIView):
    class InputSerializer(StrictInputSerializer):
        requested_name = serializers.CharField(max_length=255, validators=[refuse_control_characters])
        reason = serializers.CharField(allow_blank=True, default="", max_length=REASON_MAX_LENGTH)

    @extend_schema(
        summary="Ask for a name correction of a certificate (the learner, or the platform for them)",
        request=InputSerializer,
        responses={201: NameCorrectionOutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request, verify_uuid):
        certificate = _certificate_for(request, verify_uuid, learner=True, course_roles=())
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = name_correction_request(
            certificate=certificate,
            requested_name=serializer.validated_data["requested_name"],
            reason=serializer.validated_data["reason"],
            channel=CHANNEL_API,
            requested_by=request.user,
        )
        correction = _corrections().get(pk=correction.pk)
        data = NameCorrectionOutputSerializer(correction).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A certificate's name corrections, newest first",
        responses={200: NameCorrectionOutputSerializer(many=True), **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, verify_uuid):
        certificate = _certificate_for(request, verify_uuid, learner=True, course_roles=COURSE_READ_ROLES)
        corrections = _corrections().filter(certificate=certificate).order_by("-created", "-pk")
        return Response(NameCorrectionOutputSerializer(corrections, many=True).data)


class NameCorrectionLinkApi(APIView):
    class OutputSerializer(serializers.Serializer):
        url = serializers.URLField(
            help_text="The learner's form; anyone holding it may ask for this certificate."
        )
        expires_at = serializers.DateTimeField()

    @extend_schema(
        summary="The signed link to the learner's name-correction form",
        responses={200: OutputSerializer, **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, verify_uuid):
        certificate = _certificate_for(request, verify_uuid, learner=True, course_roles=())
        expires_at = timezone.now() + timedelta(days=settings.NAME_CORRECTION_LINK_MAX_AGE_DAYS)
        data = {"url": name_correction_url(certificate), "expires_at": expires_at}
        return Response(self.OutputSerializer(data).data)


class CourseNameCorrectionListApi(APIView):
    permission_classes = [CourseRolePermission]
    course_roles = COURSE_READ_ROLES

    class FilterSerializer(StrictInputSerializer):
        refuse_unknown = False

        status = serializers.ChoiceField(choices=NameCorrectionStatuses.choices, required=False)

    @extend_schema(
        summary="A run's name corrections (pending first to decide), oldest first",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: paginated(NameCorrectionOutputSerializer), **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, course_key):
        run = course_run_or_404(course_key)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        corrections = _corrections().filter(certificate__course=run, **filters.validated_data)
        return paginate(corrections.order_by("created", "pk"), NameCorrectionOutputSerializer, request, self)


class NameCorrectionDetailApi(APIView):
    @extend_schema(
        summary="A name correction",
        responses={200: NameCorrectionOutputSerializer, **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, correction_id):
        correction = _correction_for(request, correction_id, COURSE_READ_ROLES)
        return Response(NameCorrectionOutputSerializer(correction).data)


class _DecisionApi(APIView):
    class InputSerializer(StrictInputSerializer):
        note = NOTE

    def _decide(self, request, correction_id, service):
        correction = _correction_for(request, correction_id, COURSE_WRITE_ROLES)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(correction=correction, actor=request.user, note=serializer.validated_data["note"])
        return Response(NameCorrectionOutputSerializer(_corrections().get(pk=correction.pk)).data)


class NameCorrectionApproveApi(_DecisionApi):
    @extend_schema(
        summary="Approve a name correction: the certificate is reissued with the requested name",
        request=_DecisionApi.InputSerializer,
        responses={200: NameCorrectionOutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request, correction_id):
        return self._decide(request, correction_id, name_correction_approve)


class NameCorrectionRefuseApi(_DecisionApi):
    @extend_schema(
        summary="Refuse a name correction, saying why in the note",
        request=_DecisionApi.InputSerializer,
        responses={200: NameCorrectionOutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request, correction_id):
        return self._decide(request, correction_id, name_correction_refuse)
