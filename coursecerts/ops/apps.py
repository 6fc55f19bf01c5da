from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health checks, Prometheus metrics, JSON logs with request ids (README "Operations")."""

    name = "coursecerts.ops"
    label = "ops"

    def ready(self):
        from coursecerts.ops import log_format, metrics, request_id

        metrics.connect_receivers()
        request_id.connect_celery_signals()
        log_format.keep_django_logging_in_celery()
