"""WSGI entry point: `gunicorn coursecerts.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursecerts.settings")
application = get_wsgi_application()
