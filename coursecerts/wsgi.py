"""WSGI entry point: `gunicorn coursecerts.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursecerts.settings")
application = get_wsgi_application()


def _freeze_what_every_request_shares() -> None:
    """Load the URLconf and its views, then move every object the process holds so far (Django, the apps, their
    modules: all kept for the life of the process) out of the cyclic garbage collector's reach (gc.freeze). A
    full collection then walks only what requests made since; before, each walked these too, about a fifth of a
    certificate page's first visit while the page cache was full (README "Performance", "A verifier's first
    visit")."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the URLconf and the views)
    gc.collect()
    gc.freeze()


_freeze_what_every_request_shares()
