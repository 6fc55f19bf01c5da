"""GET /api/v1/courses/{course_key}/report?format=csv|json: one row per enrolled learner with the facts and
the eligibility decision, computed with eligibility.decide over facts loaded in a fixed number of queries."""

from __future__ import annotations

import io

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.lookups import course_run_or_404
from coursecerts.api.permissions import COURSE_READ_ROLES, CourseRolePermission
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictInputSerializer
from coursecerts.certificates import selectors
from coursecerts.certificates.eligibility import Policy, Reason, decide
from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import CertificateStatuses
from coursecerts.common.csv_export import SafeDictWriter


def report_rows(course_run) -> list[dict]:
    """The report of a run: one dict per enrolled learner (inactive enrollments too), ordered by user id."""
    policy = Policy.from_settings()
    rows = []
    for user, facts, certificate in selectors.course_learner_facts(course_run=course_run):
        decision = decide(facts, policy)
        holds = decision.reason == Reason.ALREADY_DOWNLOADABLE
        eligible = decision.eligible or holds
        downloadable = certificate is not None and certificate.status == CertificateStatuses.DOWNLOADABLE
        rows.append(
            {
                "username": user.username,
                "email": user.email,
                "mode": facts.enrollment_mode,
                "grade": facts.grade_percent,
                "passed": facts.grade_passed,
                "allowlisted": facts.is_allowlisted,
                "invalidated": facts.has_active_invalidation,
                "certificate_status": certificate.status if certificate else None,
                "eligible": eligible,
                "reason": "" if eligible else decision.reason.value,
                "reason_message": "" if eligible else decision.message,
                "certificate_url": certificate_url(certificate) if downloadable else None,
            }
        )
    return rows


class CourseReportApi(APIView):
    permission_classes = [CourseRolePermission]
    course_roles = COURSE_READ_ROLES

    class FilterSerializer(StrictInputSerializer):
        refuse_unknown = False

        format = serializers.ChoiceField(choices=["json", "csv"], default="json")

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        email = serializers.CharField()
        mode = serializers.CharField(allow_null=True)
        grade = serializers.FloatField(allow_null=True)
        passed = serializers.BooleanField(allow_null=True)
        allowlisted = serializers.BooleanField()
        invalidated = serializers.BooleanField()
        certificate_status = serializers.CharField(allow_null=True)
        eligible = serializers.BooleanField(
            help_text="Has, or would now be issued, a downloadable certificate."
        )
        reason = serializers.CharField(help_text="Why not, when not eligible (a Reason code); else empty.")
        reason_message = serializers.CharField()
        certificate_url = serializers.URLField(allow_null=True)

    @extend_schema(
        summary="A run's certificate report (JSON or CSV)",
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"], required=False)],
        responses={
            (200, "application/json"): OutputSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(str, description="The same columns as CSV."),
            **errors(400, 401, 403, 404),
        },
        tags=["v1 course team"],
    )
    def get(self, request, course_key):
        run = course_run_or_404(course_key)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = report_rows(run)
        if filters.validated_data["format"] == "csv":
            return _csv_response(rows, filename=f"certificates-{run.id.course}-{run.id.run}.csv")
        return Response(rows)


def _csv_response(rows: list[dict], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=list(CourseReportApi.OutputSerializer().fields))
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
