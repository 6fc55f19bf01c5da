"""LOG_FORMAT=json: one JSON object a line, with the request id that follows a request into its tasks."""

import json
import logging
import subprocess
import sys

import pytest
from celery import shared_task

from coursecerts.ops import request_id
from coursecerts.ops.log_format import JsonLogFormatter

pytestmark = pytest.mark.django_db
seen: list[str] = []


@shared_task
def _remember_request_id():
    seen.append(request_id.current())
    logging.getLogger("coursecerts.tests").warning("inside the task")


def test_a_record_is_one_json_line_with_the_request_id():
    handler = logging.StreamHandler()
    handler.addFilter(request_id.RequestIdFilter())
    record = logging.LogRecord("coursecerts.x", logging.WARNING, __file__, 1, "two\nlines %s", ("é",), None)
    token = request_id.begin("req-1")
    try:
        handler.filter(record)
    finally:
        request_id.end(token)
    line = JsonLogFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "two\nlines é" and data["request_id"] == "req-1"
    assert data["level"] == "WARNING" and data["logger"] == "coursecerts.x" and "timestamp" in data


def test_the_settings_switch_the_console_to_json():
    code = "import django, logging; django.setup(); logging.getLogger('coursecerts.t').warning('hello')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "coursecerts.settings", "LOG_FORMAT": "json", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stderr.strip())["message"] == "hello"


def test_a_task_queued_by_a_request_runs_with_its_id():
    """Eager here; on a worker the id travels in the task's headers (before_task_publish -> task_prerun)."""
    seen.clear()
    token = request_id.begin("from-the-request")
    try:
        _remember_request_id.delay()
    finally:
        request_id.end(token)
    assert seen == ["from-the-request"]


def test_the_id_is_put_in_the_published_task_headers():
    headers: dict = {}
    token = request_id.begin("rid-42")
    try:
        request_id._before_publish(headers=headers)
    finally:
        request_id.end(token)
    assert headers == {"request_id": "rid-42"}
