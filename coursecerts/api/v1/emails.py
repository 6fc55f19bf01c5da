"""v1 learner emails (README "The learner's side"): a run's switch, resending the issue email to one learner,
some or every learner of a run, the run's emails with their state (failures and their reasons), and the link to
a learner's page of certificates that the platform hands the learner."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.lookups import course_run_or_404, user_or_404
from coursecerts.api.permissions import (
    COURSE_READ_ROLES,
    COURSE_WRITE_ROLES,
    CourseRolePermission,
    IsGlobalStaff,
)
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictBooleanField, StrictInputSerializer
from coursecerts.api.v1.pagination import PAGE_PARAMETERS, paginate, paginated
from coursecerts.notifications.learner_page import learner_page_link
from coursecerts.notifications.models import EmailStates, LearnerEmail
from coursecerts.notifications.services import (
    course_run_emails_enabled,
    course_run_emails_set,
    learner_emails_resend,
)

TAG = "v1 learner emails"


class EmailSettingsApi(APIView):
    """GET / PUT /api/v1/courses/{course_key}/email-settings: whether the run's learners are emailed when their
    certificate is issued. Course staff read; instructors (and global staff) change it."""

    permission_classes = [CourseRolePermission]

    class InputSerializer(StrictInputSerializer):
        echoed = ("course_key",)

        emails_enabled = StrictBooleanField(help_text="Email learners when a certificate is issued.")

    class OutputSerializer(serializers.Serializer):
        course_key = serializers.CharField()
        emails_enabled = serializers.BooleanField()

    @property
    def course_roles(self):
        return COURSE_READ_ROLES if self.request.method == "GET" else COURSE_WRITE_ROLES

    @extend_schema(
        summary="A run's learner-email switch",
        responses={200: OutputSerializer, **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, course_key):
        run = course_run_or_404(course_key)
        return Response(self._out(run, course_run_emails_enabled(run)))

    @extend_schema(
        summary="Turn a run's learner emails on or off",
        request=InputSerializer,
        responses={200: OutputSerializer, **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def put(self, request, course_key):
        run = course_run_or_404(course_key)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        setting = course_run_emails_set(
            course_run=run, enabled=serializer.validated_data["emails_enabled"], actor=request.user
        )
        return Response(self._out(run, setting.emails_enabled))

    def _out(self, run, enabled: bool) -> dict:
        return self.OutputSerializer({"course_key": str(run.pk), "emails_enabled": enabled}).data


class EmailResendApi(APIView):
    """POST /api/v1/courses/{course_key}/emails/resend {"usernames": [...]}: send the issue email again to these
    learners of the run, or to every learner with a downloadable certificate when `usernames` is left out. Sent
    even when the run's emails are off (the course team asked). Instructors and global staff."""

    permission_classes = [CourseRolePermission]

    class InputSerializer(StrictInputSerializer):
        usernames = serializers.ListField(
            child=serializers.CharField(max_length=150),
            required=False,
            allow_empty=False,
            max_length=10000,
            help_text="The learners; left out: every learner of the run with a downloadable certificate.",
        )

    class OutputSerializer(serializers.Serializer):
        course_key = serializers.CharField()
        queued = serializers.IntegerField(
            help_text="Emails owed; they are sent after the answer, in batches."
        )

    @extend_schema(
        summary="Resend the issue email",
        request=InputSerializer,
        responses={202: OutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request, course_key):
        run = course_run_or_404(course_key)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        queued = learner_emails_resend(
            course_run=run, usernames=serializer.validated_data.get("usernames"), actor=request.user
        )
        data = self.OutputSerializer({"course_key": str(run.pk), "queued": queued}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class EmailOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    username = serializers.CharField(source="certificate.user.username")
    verify_uuid = serializers.CharField(source="certificate.verify_uuid")
    state = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField(help_text="Why the last attempt failed (the mail server's answer).")
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    created = serializers.DateTimeField()


class EmailListApi(APIView):
    """GET /api/v1/courses/{course_key}/emails?state=failed: the run's learner emails, newest first. Course
    staff, instructors and global staff."""

    permission_classes = [CourseRolePermission]
    course_roles = COURSE_READ_ROLES

    class FilterSerializer(StrictInputSerializer):
        refuse_unknown = False

        state = serializers.ChoiceField(choices=EmailStates.choices, required=False)
        username = serializers.CharField(required=False, max_length=150)

    @extend_schema(
        summary="A run's learner emails and their delivery state",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: paginated(EmailOutputSerializer), **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, course_key):
        run = course_run_or_404(course_key)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        emails = LearnerEmail.objects.filter(certificate__course=run).select_related("certificate__user")
        if state := filters.validated_data.get("state"):
            emails = emails.filter(state=state)
        if username := filters.validated_data.get("username"):
            emails = emails.filter(certificate__user__username=username)
        return paginate(emails.order_by("-created", "-id"), EmailOutputSerializer, request, self)


class LearnerPageLinkApi(APIView):
    """POST /api/v1/learners/{username}/certificates-page-link: a signed link to the learner's page of
    certificates, for the platform to hand to the learner (it works for LEARNER_PAGE_LINK_MAX_AGE_DAYS). Global
    staff (the platform)."""

    permission_classes = [IsGlobalStaff]

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        url = serializers.CharField()
        expires = serializers.DateTimeField()

    @extend_schema(
        summary="A signed link to a learner's page of certificates",
        request=None,
        responses={200: OutputSerializer, **errors(401, 403, 404)},
        tags=[TAG],
    )
    def post(self, request, username):
        user = user_or_404(username)
        link = learner_page_link(user)
        return Response(self.OutputSerializer({"username": user.username, **link._asdict()}).data)
