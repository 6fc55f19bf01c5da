from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from coursecerts.certificates.web.credential_views import credential_verify_page
from coursecerts.certificates.web.views import landing

admin.site.site_header = "coursecerts administration"
admin.site.site_title = "coursecerts"

urlpatterns = [
    path("", landing, name="landing"),
    path("admin/", admin.site.urls),
    path("accounts/", include("coursecerts.accounts.urls")),  # sign-in: accounts and single sign-on
    path("console/", include("coursecerts.console.urls")),  # the course-team console
    path("", include("coursecerts.api.urls")),
    path("certificates/", include("coursecerts.certificates.web.urls")),
    path("learners/", include("coursecerts.notifications.urls")),  # a learner's page of certificates
    path(
        "credentials/verify", credential_verify_page, name="credential_verify"
    ),  # paste or upload a credential
    path("", include("coursecerts.credentials.urls")),  # issuers/<org>/did.json, credentials/status/<id>
    path("", include("coursecerts.ops.urls")),  # health/live, health/ready, metrics
]
if settings.SERVE_MEDIA:  # uploaded logos, signatures and template assets (README: SERVE_MEDIA)
    from coursecerts.certificates.services.pdf import PDF_FOLDER
    from coursecerts.certificates.web.views import media_file

    # Never the rendered PDFs, even a copy an older version left at MEDIA_ROOT: they are private
    # and served only by /certificates/<verify_uuid>/pdf (ADR 0011; move_certificate_pdfs moves old copies).
    urlpatterns.append(
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?!{PDF_FOLDER}/)(?P<path>.+)$", media_file)
    )
