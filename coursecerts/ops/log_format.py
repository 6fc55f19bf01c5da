"""LOG_FORMAT=json: one JSON object a line (python-json-logger), with the request id (request_id.RequestIdFilter)."""

from pythonjsonlogger.json import JsonFormatter


class JsonLogFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)
