"""Per-client rate limits (DRF throttling on the default cache): by user when authenticated, else by address.
The rates come from settings API_THROTTLE_VERIFY and API_THROTTLE_V0_LIST (README), read on each request;
an empty rate turns the limit off. The client's address follows NUM_PROXIES (common.rate_limits)."""

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

from coursecerts.common.rate_limits import client_address


class _Scoped(ScopedRateThrottle):
    scope_name = ""

    def allow_request(self, request, view):
        view.throttle_scope = self.scope_name
        return super().allow_request(request, view)

    def get_rate(self):
        return getattr(settings, f"API_THROTTLE_{self.scope_name.upper()}") or None

    def get_ident(self, request):
        return client_address(request)


class VerifyThrottle(_Scoped):
    scope_name = "verify"


class V0ListThrottle(_Scoped):
    scope_name = "v0_list"
