"""POST /api/v1/learners/{username}/retire: the platform's retirement pipeline retires a learner (ADR 0012).

Global staff only. The answer is the run's summary, without personal data: counts, file paths made of uuids,
and the retirement record's id. A run that could not delete every file answers 200 with complete=false: call
it again to finish (the certificates whose files remain keep their references until then)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.lookups import user_or_404
from coursecerts.api.permissions import IsGlobalStaff
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictBooleanField, StrictInputSerializer
from coursecerts.certificates.services.retirement import learner_retire


class _FailedFileSerializer(serializers.Serializer):
    path = serializers.CharField()
    error = serializers.CharField()


class LearnerRetireApi(APIView):
    permission_classes = [IsGlobalStaff]

    class InputSerializer(StrictInputSerializer):
        dry_run = StrictBooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        user_id = serializers.IntegerField()
        dry_run = serializers.BooleanField()
        complete = serializers.BooleanField(help_text="False: some files could not be deleted; call again.")
        record_id = serializers.IntegerField(
            allow_null=True, help_text="Null in a dry run or with nothing to do."
        )
        certificates_changed = serializers.IntegerField()
        history_rows_changed = serializers.IntegerField()
        pdf_references_purged = serializers.ListField(child=serializers.IntegerField())
        learner_rows_changed = serializers.IntegerField()
        files_deleted = serializers.ListField(child=serializers.CharField())
        files_failed = _FailedFileSerializer(many=True)
        rendered_pdfs_deleted = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        summary="Retire a learner: delete their certificate files, blank their name and email",
        request=InputSerializer,
        responses={200: OutputSerializer, **errors(400, 401, 403, 404)},
        tags=["v1 learner retirement"],
    )
    def post(self, request, username):
        user = user_or_404(username)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = learner_retire(
            user=user, actor=request.user, source="api", dry_run=serializer.validated_data["dry_run"]
        )
        return Response(self.OutputSerializer(result.summary()).data)
