"""The Celery application. Eager (in-process) unless CELERY_BROKER_URL points at Redis or RabbitMQ."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursecerts.settings")

app = Celery("coursecerts")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
