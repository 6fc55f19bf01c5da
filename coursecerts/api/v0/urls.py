"""Open edX's v0 URL patterns (certificates/apis/v0/urls.py), with its username and course-id patterns."""

from django.urls import re_path

from coursecerts.api.v0 import views

# settings.USERNAME_PATTERN and COURSE_ID_PATTERN of Open edX.
USERNAME_PATTERN = r"(?P<username>[\w.@+-]+)"
COURSE_ID_PATTERN = r"(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)"

app_name = "v0"
urlpatterns = [
    re_path(
        rf"^certificates/{USERNAME_PATTERN}/courses/{COURSE_ID_PATTERN}/$",
        views.CertificateDetailV0Api.as_view(),
        name="detail",
    ),
    re_path(rf"^certificates/{USERNAME_PATTERN}/$", views.CertificateListV0Api.as_view(), name="list"),
]
