from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

admin.site.site_header = "coursecerts administration"
admin.site.site_title = "coursecerts"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("coursecerts.api.urls")),
    path("certificates/", include("coursecerts.certificates.web.urls")),
]
if settings.SERVE_MEDIA:  # uploaded logos, signatures and template assets (README: SERVE_MEDIA)
    from coursecerts.certificates.web.views import media_file

    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media_file))
