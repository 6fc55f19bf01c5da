"""URLs of the web certificate, mounted at /certificates/ as in Open edX (README "Web certificates")."""

from django.urls import re_path

from coursecerts.certificates.web import credential_views, name_correction, preview_views, views

app_name = "certificates"

urlpatterns = [
    re_path(
        r"^user/(?P<user_id>[^/]+)/course/(?P<course_key>[^/]+)/?$", views.unsupported_url, name="unsupported"
    ),
    re_path(r"^course/(?P<course_key>[^/]+)/?$", views.certificate_preview, name="preview"),
    re_path(r"^(?P<verify_uuid>[0-9a-f]{32})$", views.certificate_page, name="page"),
    re_path(r"^(?P<verify_uuid>[0-9a-f]{32})/pdf$", views.certificate_pdf, name="pdf"),
    re_path(r"^(?P<verify_uuid>[0-9a-f]{32})\.pdf$", views.certificate_pdf, name="pdf_file"),
    re_path(
        r"^(?P<verify_uuid>[0-9a-f]{32})/preview\.png$",
        preview_views.certificate_preview_image,
        name="preview_image",
    ),
    re_path(
        r"^(?P<verify_uuid>[0-9a-f]{32})/credential\.json$",
        credential_views.certificate_credential,
        name="credential",
    ),
    re_path(
        r"^name-correction/(?P<token>[^/]+)$", name_correction.name_correction_form, name="name_correction"
    ),
    re_path(r"^$", views.certificate_lookup, name="lookup"),
    # Last: a certificate URL as typed (upper case, dashes, a trailing slash) is redirected to its canonical
    # URL; any other URL here is the styled 404 page, not Django's bare one.
    re_path(
        r"^(?P<given>[^/]+?)(?P<suffix>/pdf|\.pdf)?/*$", views.certificate_url_normalise, name="normalise"
    ),
    re_path(r"^(?P<path>.*)$", views.certificate_url_not_found),
]
