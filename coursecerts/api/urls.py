"""The API's URLs, included once from coursecerts/urls.py:

- /api/certificates/v0/...  Open edX Certificates API v0 (namespace certificates_api:v0)
- /api/v1/...               coursecerts' own API (namespace api_v1)
- /api/schema/, /api/docs/  OpenAPI 3 schema and its docs page
"""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from coursecerts.api.v1 import (
    course_team,
    data_in,
    emails,
    generation,
    imports,
    name_corrections,
    renewals,
    reports,
    retirement,
    verification,
    webhooks,
)
from coursecerts.api.v1 import credentials as credentials_api
from coursecerts.api.views import api_not_found


class SegmentConverter:
    """A path segment without NUL: like <str:>, but a NUL (which PostgreSQL cannot compare) makes the URL match
    no endpoint (a JSON 404) instead of reaching a query."""

    regex = r"[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SegmentConverter, "segment")

COURSE = "courses/<segment:course_key>"

v1_patterns = [
    # data in
    path(COURSE, data_in.CourseRunPutApi.as_view(), name="course"),
    path(
        f"{COURSE}/certificate-configuration",
        data_in.CertificateConfigurationPutApi.as_view(),
        name="certificate-configuration",
    ),
    path("learners/<segment:username>", data_in.LearnerPutApi.as_view(), name="learner"),
    path(
        "learners/<segment:username>/id-verification",
        data_in.IdVerificationPutApi.as_view(),
        name="id-verification",
    ),
    path("learners/<segment:username>/retire", retirement.LearnerRetireApi.as_view(), name="learner-retire"),
    path(f"{COURSE}/enrollments/<segment:username>", data_in.EnrollmentPutApi.as_view(), name="enrollment"),
    path(f"{COURSE}/grades/<segment:username>", data_in.GradePutApi.as_view(), name="grade"),
    path(f"{COURSE}/roles/<segment:username>", data_in.CourseRoleApi.as_view(), name="role"),
    path(f"{COURSE}/import", imports.CourseImportApi.as_view(), name="import"),
    # course team
    path(f"{COURSE}/certificates", course_team.CertificateListApi.as_view(), name="certificate-list"),
    path(
        f"{COURSE}/certificates/generate",
        generation.CertificatesGenerateApi.as_view(),
        name="certificates-generate",
    ),
    path(
        f"{COURSE}/certificates/regenerate",
        generation.CertificatesRegenerateApi.as_view(),
        name="certificates-regenerate",
    ),
    path("tasks/<segment:task_id>", generation.TaskApi.as_view(), name="task"),
    path(f"{COURSE}/allowlist", course_team.AllowlistBulkCreateApi.as_view(), name="allowlist-bulk"),
    path(
        f"{COURSE}/allowlist/<segment:username>",
        course_team.AllowlistEntryApi.as_view(),
        name="allowlist-entry",
    ),
    path(
        f"{COURSE}/invalidations/<segment:username>",
        course_team.InvalidationApi.as_view(),
        name="invalidation",
    ),
    path(
        f"{COURSE}/generation-history",
        course_team.GenerationHistoryListApi.as_view(),
        name="generation-history",
    ),
    path(f"{COURSE}/report", reports.CourseReportApi.as_view(), name="report"),
    path("certificates/<segment:verify_uuid>", verification.CertificateVerifyApi.as_view(), name="verify"),
    path("credentials/verify", credentials_api.CredentialVerifyApi.as_view(), name="credential-verify"),
    path(
        "certificates/<segment:verify_uuid>/history",
        course_team.CertificateHistoryApi.as_view(),
        name="certificate-history",
    ),
    path(
        "certificates/<segment:verify_uuid>/date-override",
        course_team.DateOverrideApi.as_view(),
        name="date-override",
    ),
    path(
        "certificates/<segment:verify_uuid>/renewals",
        renewals.CertificateRenewalApi.as_view(),
        name="certificate-renewals",
    ),
    # name corrections (ADR 0024)
    path(
        "certificates/<segment:verify_uuid>/name-corrections",
        name_corrections.CertificateNameCorrectionsApi.as_view(),
        name="certificate-name-corrections",
    ),
    path(
        "certificates/<segment:verify_uuid>/name-correction-link",
        name_corrections.NameCorrectionLinkApi.as_view(),
        name="name-correction-link",
    ),
    path(
        f"{COURSE}/name-corrections",
        name_corrections.CourseNameCorrectionListApi.as_view(),
        name="course-name-corrections",
    ),
    path(
        "name-corrections/<int:correction_id>",
        name_corrections.NameCorrectionDetailApi.as_view(),
        name="name-correction",
    ),
    path(
        "name-corrections/<int:correction_id>/approve",
        name_corrections.NameCorrectionApproveApi.as_view(),
        name="name-correction-approve",
    ),
    path(
        "name-corrections/<int:correction_id>/refuse",
        name_corrections.NameCorrectionRefuseApi.as_view(),
        name="name-correction-refuse",
    ),
    # webhooks
    path("webhooks", webhooks.WebhookListApi.as_view(), name="webhooks"),
    path("webhooks/<uuid:webhook_id>", webhooks.WebhookDetailApi.as_view(), name="webhook"),
    path(
        "webhooks/<uuid:webhook_id>/rotate-secret",
        webhooks.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "webhooks/<uuid:webhook_id>/messages",
        webhooks.WebhookMessageListApi.as_view(),
        name="webhook-messages",
    ),
    path(
        "webhooks/<uuid:webhook_id>/redeliver",
        webhooks.WebhookRedeliverApi.as_view(),
        name="webhook-redeliver",
    ),
    # learner emails and the learner's page of certificates (README "The learner's side")
    path(f"{COURSE}/email-settings", emails.EmailSettingsApi.as_view(), name="email-settings"),
    path(f"{COURSE}/emails", emails.EmailListApi.as_view(), name="emails"),
    path(f"{COURSE}/emails/resend", emails.EmailResendApi.as_view(), name="emails-resend"),
    path(
        "learners/<segment:username>/certificates-page-link",
        emails.LearnerPageLinkApi.as_view(),
        name="learner-page-link",
    ),
]

urlpatterns = [
    path(
        "api/certificates/",
        include(([path("v0/", include("coursecerts.api.v0.urls"))], "certificates_api")),
    ),
    path("api/v1/", include((v1_patterns, "api_v1"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    # Last: any other /api/ URL answers a JSON 404 in the API's error shape (not Django's HTML page).
    re_path(r"^api/", api_not_found),
]
