"""v1 course-team operations: the Open edX instructor dashboard as REST (README "REST API"), with its
preconditions and messages. Course staff read; instructors (and global staff) act. Course-wide generation is in
coursecerts/api/v1/generation.py."""

from __future__ import annotations

from datetime import UTC, datetime, time

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import not_found
from coursecerts.api.lookups import (
    course_run_or_404,
    course_team_certificate_or_404,
    user_certificate_or_404,
    user_or_404,
)
from coursecerts.api.permissions import (
    COURSE_READ_ROLES,
    COURSE_WRITE_ROLES,
    CourseRolePermission,
)
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictInputSerializer, put_response
from coursecerts.api.v1.pagination import PAGE_PARAMETERS, paginate, paginated
from coursecerts.certificates.allowlist_csv import allowlist_csv_rows
from coursecerts.certificates.display import certificate_download_url
from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import (
    CertificateGenerationHistory,
    CertificateHistory,
    CertificateStatuses,
    GeneratedCertificate,
)
from coursecerts.certificates.services import (
    allowlist_entry_remove,
    certificate_revalidate,
    date_override_remove,
)
from coursecerts.certificates.services.allowlist import (
    BULK_ROW_ERROR_KINDS,
    allowlist_bulk_add,
    allowlist_entry_put,
)
from coursecerts.certificates.services.date_override import date_override_put
from coursecerts.certificates.services.invalidation import certificate_invalidation_put
from coursecerts.courses.models import CourseModes

TAG = "v1 course team"
NOTES = serializers.CharField(allow_blank=True, default="", max_length=10000)


def _certificate_link(certificate) -> str | None:
    return certificate_url(certificate) if certificate.status == CertificateStatuses.DOWNLOADABLE else None


# --- certificates -----------------------------------------------------------------------------------------


class CertificateOutputSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    name = serializers.CharField()
    course_key = serializers.CharField(source="course_id")
    verify_uuid = serializers.CharField()
    status = serializers.CharField()
    mode = serializers.CharField()
    grade = serializers.CharField()
    created_date = serializers.DateTimeField()
    modified_date = serializers.DateTimeField()
    issued_date = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()
    certificate_url = serializers.SerializerMethodField()

    def get_download_url(self, certificate) -> str | None:
        return certificate_download_url(certificate)

    def get_certificate_url(self, certificate) -> str | None:
        return _certificate_link(certificate)


class CertificateListApi(APIView):
    """GET /api/v1/courses/{course_key}/certificates?status=&mode=&username=: a run's certificates, paginated."""

    permission_classes = [CourseRolePermission]
    course_roles = COURSE_READ_ROLES

    class FilterSerializer(StrictInputSerializer):
        refuse_unknown = False

        status = serializers.ChoiceField(choices=CertificateStatuses.choices, required=False)
        mode = serializers.ChoiceField(choices=CourseModes.choices, required=False)
        username = serializers.CharField(required=False, max_length=150)

    @extend_schema(
        summary="List a run's certificates",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: paginated(CertificateOutputSerializer), **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, course_key):
        run = course_run_or_404(course_key)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        lookups = {("user__username" if k == "username" else k): v for k, v in filters.validated_data.items()}
        certificates = (
            GeneratedCertificate.objects.filter(course=run, **lookups)
            .select_related("user", "course")
            .order_by("pk")
        )
        return paginate(certificates, CertificateOutputSerializer, request, self)


class CertificateHistoryApi(APIView):
    """GET /api/v1/certificates/{verify_uuid}/history: every change of the certificate, oldest first."""

    class OutputSerializer(serializers.Serializer):
        created = serializers.DateTimeField()
        source = serializers.CharField()
        actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
        status_before = serializers.CharField()
        status_after = serializers.CharField()
        mode_before = serializers.CharField()
        mode_after = serializers.CharField()
        grade_before = serializers.CharField()
        grade_after = serializers.CharField()
        name_before = serializers.CharField()
        name_after = serializers.CharField()
        note = serializers.CharField()

    @extend_schema(
        summary="A certificate's history",
        responses={200: OutputSerializer(many=True), **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, verify_uuid):
        certificate = course_team_certificate_or_404(request, verify_uuid, COURSE_READ_ROLES)
        history = CertificateHistory.objects.filter(certificate=certificate).select_related("actor")
        return Response(self.OutputSerializer(history.order_by("created", "pk"), many=True).data)


# --- allowlist ----------------------------------------------------------------------------------------------


class AllowlistEntryApi(APIView):
    """PUT / DELETE /api/v1/courses/{course_key}/allowlist/{username}: the dashboard's certificate exceptions.
    PUT adds (the learner must be actively enrolled and not invalidated) or replaces the notes; DELETE
    invalidates the learner's certificate, if any, then removes the entry."""

    permission_classes = [CourseRolePermission]

    class InputSerializer(StrictInputSerializer):
        echoed = ("username", "course_key", "created", "certificate_generated")

        notes = NOTES

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        course_key = serializers.CharField(source="course_id")
        notes = serializers.CharField(allow_null=True)
        created = serializers.DateTimeField()
        certificate_generated = serializers.SerializerMethodField()

        def get_certificate_generated(self, entry) -> datetime | None:
            certificate = GeneratedCertificate.objects.filter(user=entry.user, course=entry.course).first()
            return certificate.created_date if certificate and certificate.is_valid() else None

    @extend_schema(
        summary="Put a learner on the allowlist",
        request=InputSerializer,
        responses={200: OutputSerializer, 201: OutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=[TAG],
    )
    def put(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry, created = allowlist_entry_put(
            user=user, course_run=run, notes=serializer.validated_data["notes"], actor=request.user
        )
        return put_response(self.OutputSerializer(entry).data, created)

    @extend_schema(
        summary="Take a learner off the allowlist",
        responses={204: OpenApiResponse(description="Removed."), **errors(401, 403, 404)},
        tags=[TAG],
    )
    def delete(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        if not allowlist_entry_remove(user=user, course_run=run, actor=request.user):
            raise not_found(
                "allowlist_entry_not_found", f"{username} is not on the allowlist of {course_key}."
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AllowlistBulkCreateApi(APIView):
    """POST /api/v1/courses/{course_key}/allowlist: a CSV of (username or email, notes) rows in the multipart
    field `students_list`, answered in the Open edX bulk format."""

    permission_classes = [CourseRolePermission]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        students_list = serializers.FileField(
            required=False, help_text="A .csv file: username or email, notes."
        )

    class OutputSerializer(serializers.Serializer):
        general_errors = serializers.ListField(child=serializers.CharField())
        row_errors = inline_serializer(
            "AllowlistBulkRowErrors",
            fields={
                kind: serializers.ListField(child=serializers.CharField()) for kind in BULK_ROW_ERROR_KINDS
            },
        )
        success = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        summary="Add learners to the allowlist from a CSV (Open edX bulk format)",
        request={"multipart/form-data": InputSerializer},
        responses={200: OutputSerializer, **errors(401, 403, 404)},
        tags=[TAG],
    )
    def post(self, request, course_key):
        run = course_run_or_404(course_key)
        upload = request.FILES.get("students_list")
        rows, general_errors = allowlist_csv_rows(upload)
        result = {"row_errors": {kind: [] for kind in BULK_ROW_ERROR_KINDS}, "success": []}
        if rows:
            result = allowlist_bulk_add(course_run=run, rows=rows, actor=request.user)
        return Response({"general_errors": general_errors, **result})


# --- invalidations ------------------------------------------------------------------------------------------


class InvalidationApi(APIView):
    """PUT / DELETE /api/v1/courses/{course_key}/invalidations/{username}: the dashboard's invalidation list.
    PUT invalidates a downloadable certificate of a learner not on the allowlist (or replaces the notes of an
    active invalidation); DELETE lifts it and runs generation again (re-validation)."""

    permission_classes = [CourseRolePermission]

    class InputSerializer(StrictInputSerializer):
        echoed = ("username", "course_key", "verify_uuid", "invalidated_by", "active", "created")

        notes = NOTES

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="generated_certificate.user.username")
        course_key = serializers.CharField(source="generated_certificate.course_id")
        verify_uuid = serializers.CharField(source="generated_certificate.verify_uuid")
        invalidated_by = serializers.CharField(source="invalidated_by.username")
        notes = serializers.CharField(allow_null=True)
        active = serializers.BooleanField()
        created = serializers.DateTimeField()

    class RevalidationOutputSerializer(serializers.Serializer):
        certificate_status = serializers.CharField(allow_null=True)
        reason = serializers.CharField()

    @extend_schema(
        summary="Invalidate a learner's certificate",
        request=InputSerializer,
        responses={200: OutputSerializer, 201: OutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=[TAG],
    )
    def put(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certificate = user_certificate_or_404(user=user, course_run=run)
        invalidation, created = certificate_invalidation_put(
            certificate=certificate, invalidated_by=request.user, notes=serializer.validated_data["notes"]
        )
        return put_response(self.OutputSerializer(invalidation).data, created)

    @extend_schema(
        summary="Re-validate a learner's certificate",
        responses={200: RevalidationOutputSerializer, **errors(401, 403, 404, 409)},
        tags=[TAG],
    )
    def delete(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        certificate = user_certificate_or_404(user=user, course_run=run)
        decision = certificate_revalidate(certificate=certificate, actor=request.user)
        certificate.refresh_from_db()
        return Response(
            self.RevalidationOutputSerializer(
                {"certificate_status": certificate.status, "reason": decision.reason}
            ).data
        )


# --- date overrides -----------------------------------------------------------------------------------------


class DateOverrideApi(APIView):
    """PUT / DELETE /api/v1/certificates/{verify_uuid}/date-override: the date printed on one certificate."""

    class InputSerializer(StrictInputSerializer):
        echoed = ("verify_uuid", "overridden_by")

        date = serializers.DateField(help_text="The date to print (YYYY-MM-DD).")
        reason = serializers.CharField(max_length=10000)

    class OutputSerializer(serializers.Serializer):
        verify_uuid = serializers.CharField(source="generated_certificate.verify_uuid")
        date = serializers.SerializerMethodField()
        reason = serializers.CharField()
        overridden_by = serializers.CharField(source="overridden_by.username")

        def get_date(self, override) -> str:
            return override.date.date().isoformat()

    @extend_schema(
        summary="Override the date printed on a certificate",
        request=InputSerializer,
        responses={200: OutputSerializer, 201: OutputSerializer, **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def put(self, request, verify_uuid):
        certificate = course_team_certificate_or_404(request, verify_uuid, COURSE_WRITE_ROLES)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override, created = date_override_put(
            certificate=certificate,
            date=datetime.combine(serializer.validated_data["date"], time.min, tzinfo=UTC),
            reason=serializer.validated_data["reason"],
            actor=request.user,
        )
        return put_response(self.OutputSerializer(override).data, created)

    @extend_schema(
        summary="Remove a certificate's date override",
        responses={204: OpenApiResponse(description="Removed."), **errors(401, 403, 404)},
        tags=[TAG],
    )
    def delete(self, request, verify_uuid):
        certificate = course_team_certificate_or_404(request, verify_uuid, COURSE_WRITE_ROLES)
        if not date_override_remove(certificate=certificate, actor=request.user):
            raise not_found("date_override_not_found", f"Certificate {verify_uuid} has no date override.")
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- generation history -------------------------------------------------------------------------------------


class GenerationHistoryListApi(APIView):
    """GET /api/v1/courses/{course_key}/generation-history: course-wide generations, newest first."""

    permission_classes = [CourseRolePermission]
    course_roles = COURSE_READ_ROLES

    class OutputSerializer(serializers.Serializer):
        created = serializers.DateTimeField()
        generated_by = serializers.CharField(source="generated_by.username", allow_null=True, default=None)
        task_id = serializers.CharField()
        task_name = serializers.CharField(source="get_task_name")
        candidates = serializers.CharField(source="get_certificate_generation_candidates")
        is_regeneration = serializers.BooleanField()
        task_input = serializers.JSONField()

    @extend_schema(
        summary="A run's certificate generation history",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(OutputSerializer), **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, course_key):
        run = course_run_or_404(course_key)
        history = CertificateGenerationHistory.objects.filter(course=run).select_related("generated_by")
        return paginate(history.order_by("-created", "-pk"), self.OutputSerializer, request, self)
