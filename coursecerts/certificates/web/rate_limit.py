"""The certificate page's rate limit: CERTIFICATE_PAGE_RATE visits per client address (NUM_PROXIES rule) across
pages and PDFs, checked before the page cache, so a cached page is no way around it. Two operations on Django's
default cache a visit (common.rate_limits); over the limit, a small plain-text 429 with Retry-After."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from coursecerts.common.rate_limits import client_address, rate_limit_hit


def rate_limited(view):
    @wraps(view)
    def limited(request, *args, **kwargs):
        rate = settings.CERTIFICATE_PAGE_RATE
        wait = rate_limit_hit("certificate-page", client_address(request), rate) if rate else None
        if wait is not None:
            return _too_many_requests(wait)
        return view(request, *args, **kwargs)

    return limited


def _too_many_requests(wait: int) -> HttpResponse:
    text = _("Too many requests. Please try again in %(seconds)d seconds.") % {"seconds": wait}
    return HttpResponse(
        text + "\n",
        status=429,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": str(wait), "Cache-Control": "no-store"},
    )
