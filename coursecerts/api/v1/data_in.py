"""v1 data in: every write is an idempotent PUT of the whole resource (ADR 0009). 201 when it created, 200
when it updated, the stored resource in the body; bad input answers 400 naming each field, and nothing is
written. Writes go through the data-in services, so the core's triggers fire as for any other input."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import ApiError, not_found
from coursecerts.api.lookups import course_run_or_404, user_or_404
from coursecerts.api.permissions import IsGlobalStaff
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictBooleanField, StrictInputSerializer, check_username, put_response
from coursecerts.api.v1.images import SignatureImageField, image_url
from coursecerts.certificates.models import CertificateConfiguration
from coursecerts.certificates.services.configuration import SignatoryInput, certificate_configuration_put
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.common.upsert import upsert_retried
from coursecerts.common.validators import refuse_control_characters
from coursecerts.courses.models import CertificatesDisplayBehaviors as CDB
from coursecerts.courses.models import CourseModes, CourseRoles
from coursecerts.courses.services import (
    course_role_put,
    course_roles_remove,
    course_run_upsert,
    organization_get_or_create,
)
from coursecerts.enrollments.services import enrollment_upsert
from coursecerts.grades.services import course_grade_update
from coursecerts.learners.services import learner_upsert
from coursecerts.verify_student.models import IdVerificationStatus
from coursecerts.verify_student.services import id_verification_update

TAG = "v1 data in"
# Names and titles hold no control or bidi characters: a 400 naming the field (coursecerts.common.validators).
PLAIN_TEXT = [refuse_control_characters]


def _put_schema(summary: str, input_serializer, output_serializer):
    # Every URL may answer 404: a missing course or learner, or (for any operation) a URL matching no endpoint.
    codes = (400, 401, 403, 404)
    return extend_schema(
        summary=summary,
        request=input_serializer,
        responses={200: output_serializer, 201: output_serializer, **errors(*codes)},
        tags=[TAG],
    )


# --- course runs ------------------------------------------------------------------------------------------


class CourseRunPutApi(APIView):
    """PUT /api/v1/courses/{course_key}: a course run and its display settings, checked on input."""

    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        echoed = ("course_key",)

        display_name = serializers.CharField(max_length=255, validators=PLAIN_TEXT)
        org = serializers.CharField(
            max_length=255,
            required=False,
            validators=PLAIN_TEXT,
            help_text="Organisation short name; default: the course key's org.",
        )
        self_paced = StrictBooleanField(default=False)
        start = serializers.DateTimeField(allow_null=True, default=None)
        end = serializers.DateTimeField(allow_null=True, default=None)
        certificates_display_behavior = serializers.ChoiceField(choices=CDB.choices, default=CDB.END)
        certificate_available_date = serializers.DateTimeField(allow_null=True, default=None)
        web_certificates_enabled = StrictBooleanField(default=True)
        language = serializers.CharField(max_length=16, allow_blank=True, default="")
        modes = serializers.ListField(
            child=serializers.ChoiceField(choices=CourseModes.choices), default=list
        )

        def validate_modes(self, modes):
            if len(set(modes)) != len(modes):
                raise serializers.ValidationError("Each mode may be listed once.")
            return modes

        def validate(self, data):
            """The display rules (ADR 0003), each refusal naming the field to change."""
            problems = {}
            behavior, available = data["certificates_display_behavior"], data["certificate_available_date"]
            if data["start"] and data["end"] and data["start"] > data["end"]:
                problems["end"] = "The course end must not be before its start."
            if data["self_paced"] and behavior == CDB.END_WITH_DATE:
                problems["certificates_display_behavior"] = "Self-paced runs cannot use 'end_with_date'."
            elif behavior == CDB.END_WITH_DATE and available is None:
                problems["certificate_available_date"] = (
                    "Required when certificates_display_behavior is 'end_with_date'."
                )
            elif behavior != CDB.END_WITH_DATE and available is not None:
                problems["certificate_available_date"] = (
                    "Allowed only when certificates_display_behavior is 'end_with_date' (and never on a "
                    "self-paced run)."
                )
            if problems:
                raise serializers.ValidationError(problems)
            return data

    class OutputSerializer(serializers.Serializer):
        course_key = serializers.CharField(source="id")
        display_name = serializers.CharField()
        org = serializers.CharField(source="organization.short_name")
        self_paced = serializers.BooleanField()
        start = serializers.DateTimeField(allow_null=True)
        end = serializers.DateTimeField(allow_null=True)
        certificates_display_behavior = serializers.ChoiceField(choices=CDB.choices)
        certificate_available_date = serializers.DateTimeField(allow_null=True)
        web_certificates_enabled = serializers.BooleanField(source="cert_html_view_enabled")
        language = serializers.CharField()
        modes = serializers.SerializerMethodField()

        def get_modes(self, run) -> list[str]:
            return sorted(run.modes.values_list("mode_slug", flat=True))

    @_put_schema("Create or replace a course run", InputSerializer, OutputSerializer)
    def put(self, request, course_key):
        try:
            key = parse_course_key(course_key)
        except InvalidCourseKey as exc:
            raise ApiError(400, "invalid_input", exc.message, {"course_key": [exc.message]}) from None
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        org = data.pop("org", key.org)
        data["cert_html_view_enabled"] = data.pop("web_certificates_enabled")
        run, created = _course_run_put(key=key, org=org, fields=data)
        return put_response(self.OutputSerializer(run).data, created)


@upsert_retried
@transaction.atomic
def _course_run_put(*, key, org: str, fields: dict):
    """The run and its organisation in one transaction: a refused run leaves no new organisation behind."""
    return course_run_upsert(
        course_key=key, organization=organization_get_or_create(short_name=org), **fields
    )


# --- certificate configuration ----------------------------------------------------------------------------


class SignatoryInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=255, validators=PLAIN_TEXT)
    title = serializers.CharField(max_length=255, allow_blank=True, default="", validators=PLAIN_TEXT)
    organization = serializers.CharField(max_length=255, allow_blank=True, default="", validators=PLAIN_TEXT)
    image = SignatureImageField(
        allow_null=True,
        default=None,
        help_text="A data URI (data:image/png;base64,...) or the URL of an image this service already stores.",
    )


class CertificateConfigurationPutApi(APIView):
    """PUT /api/v1/courses/{course_key}/certificate-configuration: title, active flag and signatories. The PUT
    replaces the whole configuration, so every field is required: a body that leaves one out (or misspells
    it) is a 400 naming it, never a configuration silently deactivated or stripped of its signatories (an
    empty list removes them on purpose)."""

    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        echoed = ("course_key",)

        title = serializers.CharField(max_length=255, allow_blank=True, validators=PLAIN_TEXT)
        is_active = StrictBooleanField()
        signatories = SignatoryInputSerializer(many=True, max_length=10)

    class OutputSerializer(serializers.Serializer):
        class SignatoryOutputSerializer(serializers.Serializer):
            name = serializers.CharField()
            title = serializers.CharField()
            organization = serializers.CharField()
            image = serializers.SerializerMethodField()

            def get_image(self, signatory) -> str | None:
                return image_url(signatory.signature_image.name)

        course_key = serializers.CharField(source="course_id")
        title = serializers.CharField()
        is_active = serializers.BooleanField()
        signatories = SignatoryOutputSerializer(many=True, source="signatories.all")

    @_put_schema(
        "Create or replace a run's certificate configuration",
        InputSerializer,
        OutputSerializer,
    )
    def put(self, request, course_key):
        run = course_run_or_404(course_key)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signatories = [_signatory(item) for item in serializer.validated_data["signatories"]]
        configuration, created = certificate_configuration_put(
            course_run=run,
            title=serializer.validated_data["title"],
            is_active=serializer.validated_data["is_active"],
            signatories=signatories,
        )
        configuration = CertificateConfiguration.objects.prefetch_related("signatories").get(
            pk=configuration.pk
        )
        return put_response(self.OutputSerializer(configuration).data, created)


def _signatory(data: dict) -> SignatoryInput:
    image = data["image"]
    return SignatoryInput(
        name=data["name"],
        title=data["title"],
        organization=data["organization"],
        image_name=image.name if image else "",
        image_content=image.content if image else None,
    )


# --- learners and their facts -----------------------------------------------------------------------------


class LearnerPutApi(APIView):
    """PUT /api/v1/learners/{username}: a learner's email, full name and active flag."""

    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        echoed = ("username",)

        email = serializers.EmailField(allow_blank=True, default="")
        name = serializers.CharField(max_length=255, allow_blank=True, default="", validators=PLAIN_TEXT)
        is_active = StrictBooleanField(default=True)

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        email = serializers.CharField(help_text="An email address, or empty.")
        name = serializers.CharField(source="profile.name")
        is_active = serializers.BooleanField()

    @_put_schema("Create or replace a learner", InputSerializer, OutputSerializer)
    def put(self, request, username):
        check_username(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, created = learner_upsert(username=username, **serializer.validated_data)
        return put_response(self.OutputSerializer(user).data, created)


class EnrollmentPutApi(APIView):
    """PUT /api/v1/courses/{course_key}/enrollments/{username}: mode and active flag. A mode change fires the
    enrollment-track trigger."""

    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        echoed = ("username", "course_key")

        mode = serializers.ChoiceField(choices=CourseModes.choices)
        is_active = StrictBooleanField(default=True)

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        course_key = serializers.CharField(source="course_id")
        mode = serializers.CharField()
        is_active = serializers.BooleanField()

    @_put_schema("Create or replace an enrollment", InputSerializer, OutputSerializer)
    def put(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment, created = enrollment_upsert(user=user, course_run=run, **serializer.validated_data)
        return put_response(self.OutputSerializer(enrollment).data, created)


class GradePutApi(APIView):
    """PUT /api/v1/courses/{course_key}/grades/{username}: percent (0 to 1) and passed. A change to passing
    fires generation (when automatic generation is on); from passing to failing revokes."""

    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        echoed = ("username", "course_key")

        percent = serializers.FloatField(min_value=0, max_value=1)
        passed = StrictBooleanField()

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        course_key = serializers.CharField(source="course_id")
        percent = serializers.FloatField(source="percent_grade")
        passed = serializers.BooleanField()

    @_put_schema("Create or replace a course grade", InputSerializer, OutputSerializer)
    def put(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grade, created = course_grade_update(
            user=user,
            course_run=run,
            percent_grade=serializer.validated_data["percent"],
            passed=serializer.validated_data["passed"],
        )
        return put_response(self.OutputSerializer(grade).data, created)


class IdVerificationPutApi(APIView):
    """PUT /api/v1/learners/{username}/id-verification: status and expiry. Becoming approved fires generation
    for the learner's active enrollments."""

    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        echoed = ("username",)

        status = serializers.ChoiceField(choices=IdVerificationStatus.choices)
        expires_at = serializers.DateTimeField(allow_null=True, default=None)

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        status = serializers.CharField()
        expires_at = serializers.DateTimeField(allow_null=True)

    @_put_schema("Create or replace a learner's ID verification", InputSerializer, OutputSerializer)
    def put(self, request, username):
        user = user_or_404(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verification, created = id_verification_update(user=user, **serializer.validated_data)
        return put_response(self.OutputSerializer(verification).data, created)


class CourseRoleApi(APIView):
    """PUT and DELETE /api/v1/courses/{course_key}/roles/{username}: the person's one role in the run
    (staff, instructor or beta_tester). PUT replaces any other role they had there; DELETE removes it."""

    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        echoed = ("username", "course_key")

        role = serializers.ChoiceField(choices=CourseRoles.choices)

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        course_key = serializers.CharField(source="course_id")
        role = serializers.CharField()

    @_put_schema("Set a person's role in a run", InputSerializer, OutputSerializer)
    def put(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        access, created = course_role_put(user=user, course_run=run, role=serializer.validated_data["role"])
        return put_response(self.OutputSerializer(access).data, created)

    @extend_schema(
        summary="Remove a person's role in a run",
        responses={204: OpenApiResponse(description="Removed."), **errors(401, 403, 404)},
        tags=[TAG],
    )
    def delete(self, request, course_key, username):
        run, user = course_run_or_404(course_key), user_or_404(username)
        if not course_roles_remove(user=user, course_run=run):
            raise not_found("role_not_found", f"{username} has no role in {course_key}.")
        return Response(status=status.HTTP_204_NO_CONTENT)
