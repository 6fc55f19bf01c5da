"""LOG_FORMAT=json: one JSON object a line (python-json-logger), with the request id (request_id.RequestIdFilter)."""

from pythonjsonlogger.json import JsonFormatter


class JsonLogFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)


def keep_django_logging_in_celery() -> None:
    """With LOG_FORMAT=json, a Celery worker keeps Django's LOGGING (JSON lines with the request id) instead of
    replacing the root logger's handlers with its own plain format: a receiver of setup_logging tells Celery that
    logging is configured."""
    from celery.signals import setup_logging
    from django.conf import settings

    if settings.LOG_FORMAT == "json":
        setup_logging.connect(_logging_is_configured, dispatch_uid="ops.log_format.celery", weak=False)


def _logging_is_configured(**kwargs) -> None:
    """Django has applied settings.LOGGING already (django.setup)."""
