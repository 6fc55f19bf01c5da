"""The learner's page of certificates, mounted at /learners/ (README "The learner's side")."""

from django.urls import re_path

from coursecerts.notifications import views

app_name = "learner_page"

urlpatterns = [
    # A signed link: <slug>:<timestamp>:<signature> (django.core.signing.TimestampSigner).
    re_path(
        r"^page/(?P<token>[A-Za-z0-9_\-]+:[A-Za-z0-9]+:[A-Za-z0-9_\-]+)$",
        views.learner_page_signed,
        name="signed",
    ),
    re_path(r"^(?P<slug>[A-Za-z0-9_\-]{16,32})$", views.learner_page_public_view, name="public"),
]
