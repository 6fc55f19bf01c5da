from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "coursecerts administration"
admin.site.site_title = "coursecerts"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("coursecerts.api.urls")),
]
