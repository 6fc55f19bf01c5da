"""Request metrics and request ids, in one middleware placed first (settings.MIDDLEWARE)."""

import time

from coursecerts.ops import metrics, request_id


class OpsMiddleware:
    """Counts each request by view, method and status and times it (coursecerts_http_*); takes the request id
    from X-Request-ID (or makes one), keeps it for the logs and the tasks queued, and returns it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = request_id.begin(request.META.get("HTTP_X_REQUEST_ID"))
        try:
            response = self.get_response(request)
        finally:
            rid = request_id.end(token)
        match = request.resolver_match
        view = (match.view_name or match.route) if match else "unresolved"
        metrics.REQUESTS.labels(view=view, method=request.method, status=str(response.status_code)).inc()
        metrics.LATENCY.labels(view=view).observe(time.perf_counter() - started)
        response["X-Request-ID"] = rid
        return response
