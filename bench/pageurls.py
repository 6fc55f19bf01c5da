"""coursecerts' URLs plus /bench/trivial, the ceiling bench/page.py compares the certificate page with."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The least a Django view can do here: the same middleware, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), path("", include("coursecerts.urls"))]
