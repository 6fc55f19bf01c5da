"""/health/live, /health/ready and /metrics: no session, no CSRF, no page cache (README "Operations")."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coursecerts.ops import health, metrics


@never_cache
@require_GET
def live(request):
    """The process answers: nothing else is checked (a load balancer's or orchestrator's liveness probe)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """Every dependency works: 200 with each check's state and time, else 503 (README "Health checks")."""
    ok, results = health.readiness()
    return JsonResponse(health.as_json(ok, results), status=200 if ok else 503)


@never_cache
@require_GET
def metrics_view(request):
    if not metrics.allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        return response
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
