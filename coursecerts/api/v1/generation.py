"""v1 course-wide generation (ADR 0007): the Open edX dashboard's "generate" and "regenerate" as REST, running
as chunked background jobs, and the job's progress.

    POST /api/v1/courses/{course_key}/certificates/generate    {scope, usernames, dry_run, learners}
    POST /api/v1/courses/{course_key}/certificates/regenerate  {statuses, dry_run, learners}
    GET  /api/v1/tasks/{id}
"""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import ApiError, not_found
from coursecerts.api.lookups import course_run_or_404
from coursecerts.api.permissions import (
    COURSE_READ_ROLES,
    COURSE_WRITE_ROLES,
    CourseRolePermission,
    has_course_role,
)
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictInputSerializer
from coursecerts.certificates.generation_dry_run import course_generation_dry_run
from coursecerts.certificates.generation_selectors import (
    REGENERATION_STATUSES,
    GenerationRequestError,
    job_summary,
)
from coursecerts.certificates.models import CertificateGenerationJob, GenerationScopes
from coursecerts.certificates.services.generation_jobs import course_generation_start

TAG = "v1 course-wide generation"
_SCOPES = [s for s in GenerationScopes.values if s != GenerationScopes.STATUSES]


class TallySerializer(serializers.Serializer):
    outcomes = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Learners by resulting status (downloadable, notpassing, unverified, unavailable, "
        "no_certificate...).",
    )
    reasons = serializers.DictField(
        child=serializers.IntegerField(), help_text="Learners without a downloadable certificate, by reason."
    )
    changed = serializers.IntegerField(help_text="Certificates written (0 in a dry run).")


class LearnerOutcomeSerializer(serializers.Serializer):
    username = serializers.CharField()
    certificate_status = serializers.CharField(allow_null=True, help_text="The certificate's status now.")
    outcome = serializers.CharField(help_text="The status after the run, or no_certificate.")
    reason = serializers.CharField()
    reason_message = serializers.CharField()


class DryRunSerializer(TallySerializer):
    dry_run = serializers.BooleanField()
    total = serializers.IntegerField(help_text="Learners the run covers.")
    learners = LearnerOutcomeSerializer(
        many=True, required=False, help_text='With "learners": true, what the run would do for each learner.'
    )


_LEARNERS_FIELD = {
    "default": False,
    "help_text": "With dry_run: also list each learner's outcome and reason, in user id order.",
}


class TaskSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    course_id = serializers.CharField()
    scope = serializers.CharField()
    state = serializers.ChoiceField(choices=["pending", "running", "succeeded", "failed"])
    done = serializers.IntegerField(help_text="Learners decided so far.")
    total = serializers.IntegerField()
    result = TallySerializer(allow_null=True, help_text="Set when the run has finished.")
    error = serializers.CharField(
        allow_null=True,
        help_text="Why the run failed (state failed): how many chunks gave up and the first one's error. "
        "Starting the course's generation again retries them.",
    )
    created = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


def _start(request, run, **generation) -> Response:
    """A dry run answers 200 with what would happen; otherwise the job is started (or the course's unfinished
    job joined) and the answer is 202 with its id and progress."""
    dry_run, listed = generation.pop("dry_run"), generation.pop("learners")
    try:
        if dry_run:
            learners: list = []
            summary = course_generation_dry_run(
                course_run=run, each=learners.append if listed else None, **generation
            )
            if listed:
                summary["learners"] = learners
            return Response(DryRunSerializer({"dry_run": True, **summary}).data)
        job, _ = course_generation_start(course_run=run, requested_by=request.user, **generation)
    except GenerationRequestError as exc:
        raise ApiError(status.HTTP_400_BAD_REQUEST, "invalid_input", exc.message) from None
    return Response(TaskSerializer(job_summary(job)).data, status=status.HTTP_202_ACCEPTED)


class CertificatesGenerateApi(APIView):
    """POST .../certificates/generate: generate for all learners without a certificate (Open edX "generate
    certificates"), the allowlist ("generate exceptions": all or not yet generated), or named learners."""

    permission_classes = [CourseRolePermission]
    course_roles = COURSE_WRITE_ROLES

    class InputSerializer(StrictInputSerializer):
        scope = serializers.ChoiceField(choices=_SCOPES, default=GenerationScopes.ALL)
        usernames = serializers.ListField(
            child=serializers.CharField(), required=False, allow_empty=False, min_length=1
        )
        dry_run = serializers.BooleanField(default=False)
        learners = serializers.BooleanField(**_LEARNERS_FIELD)

        def validate(self, data):
            """Naming learners means those learners: usernames without a scope are scope 'learners', and
            usernames with another scope are refused (never silently ignored)."""
            if data.get("usernames") and "scope" not in self.initial_data:
                data["scope"] = GenerationScopes.LEARNERS
            if data["scope"] == GenerationScopes.LEARNERS and not data.get("usernames"):
                raise serializers.ValidationError({"usernames": ["Required with scope 'learners'."]})
            if data.get("usernames") and data["scope"] != GenerationScopes.LEARNERS:
                raise serializers.ValidationError(
                    {
                        "usernames": [
                            f"Usernames narrow a run only with scope 'learners', not {data['scope']!r}."
                        ]
                    }
                )
            return data

    @extend_schema(
        summary="Generate a run's certificates (or see what would happen)",
        request=InputSerializer,
        responses={200: DryRunSerializer, 202: TaskSerializer, **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def post(self, request, course_key):
        run = course_run_or_404(course_key)
        data = _valid(self.InputSerializer, request)
        return _start(
            request, run, scope=data["scope"], usernames=data.get("usernames"), dry_run=data["dry_run"],
            learners=data["learners"],
        )  # fmt: skip


class CertificatesRegenerateApi(APIView):
    """POST .../certificates/regenerate: run generation again for learners whose certificate has one of the
    given statuses (Open edX "regenerate certificates"; the same allowed statuses)."""

    permission_classes = [CourseRolePermission]
    course_roles = COURSE_WRITE_ROLES

    class InputSerializer(StrictInputSerializer):
        statuses = serializers.ListField(
            child=serializers.ChoiceField(choices=REGENERATION_STATUSES),
            allow_empty=False,
            min_length=1,
            help_text="Please select certificate statuses from the list only: "
            + ", ".join(REGENERATION_STATUSES),
        )
        dry_run = serializers.BooleanField(default=False)
        learners = serializers.BooleanField(**_LEARNERS_FIELD)

    @extend_schema(
        summary="Regenerate a run's certificates by status (or see what would happen)",
        request=InputSerializer,
        responses={200: DryRunSerializer, 202: TaskSerializer, **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def post(self, request, course_key):
        run = course_run_or_404(course_key)
        data = _valid(self.InputSerializer, request)
        return _start(
            request, run, scope=GenerationScopes.STATUSES, statuses=data["statuses"], dry_run=data["dry_run"],
            learners=data["learners"],
        )  # fmt: skip


class TaskApi(APIView):
    """GET /api/v1/tasks/{id}: a course-wide run's state, progress (done of total) and, once finished, its
    summary. Readable by the run's course team and global staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Progress of a course-wide generation",
        responses={200: TaskSerializer, **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, task_id):
        job = _job_or_404(request, task_id)
        return Response(TaskSerializer(job_summary(job)).data)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _job_or_404(request, task_id: str) -> CertificateGenerationJob:
    """The run's job, for its course team and global staff; to anyone else an existing id answers exactly as an
    unknown one (404), so task ids cannot be probed."""
    try:
        job_id = uuid.UUID(task_id)
    except ValueError:
        raise not_found("task_not_found", f"No task {task_id}.") from None
    job = CertificateGenerationJob.objects.filter(pk=job_id).first()
    if job is None or not has_course_role(request.user, job.course_id, COURSE_READ_ROLES):
        raise not_found("task_not_found", f"No task {task_id}.")
    return job
