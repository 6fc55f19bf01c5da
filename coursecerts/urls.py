from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

admin.site.site_header = "coursecerts administration"
admin.site.site_title = "coursecerts"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("coursecerts.api.urls")),
    path("certificates/", include("coursecerts.certificates.web.urls")),
]
if settings.SERVE_MEDIA:  # uploaded logos, signatures and template assets (README: SERVE_MEDIA)
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}
        )
    )
