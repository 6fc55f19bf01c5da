from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health checks, Prometheus metrics, JSON logs with request ids (README "Operations"), and
    certificate pages rendered ahead of their first visit (handlers, tasks)."""

    name = "coursecerts.ops"
    label = "ops"

    def ready(self):
        from coursecerts.ops import handlers, log_format, metrics, request_id

        handlers.connect()  # pages rendered ahead after each generation's commit (issue 20)
        metrics.connect_receivers()
        request_id.connect_celery_signals()
        log_format.keep_django_logging_in_celery()
