from django.conf import settings
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any /api/ URL no endpoint matches: a JSON 404 in the one error shape, whatever the method (exempt from
    CSRF, which would otherwise answer a session's PUT with an HTML 403). As Django's APPEND_SLASH would,
    a URL that only lacks its trailing slash is redirected (Open edX's v0 URLs end with one)."""
    if settings.APPEND_SLASH and request.method == "GET" and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse(
        {"error_code": "not_found", "detail": f"No API endpoint at {request.path}."}, status=404
    )
