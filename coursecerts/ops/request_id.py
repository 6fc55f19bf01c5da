"""The request id: X-Request-ID as a client or proxy sent it (if it looks like an id), or a new one. It is in every
log record written while the request runs (RequestIdFilter) and goes with each Celery task the request queues
(a task header), so that the task's log lines carry it too (README "Logs")."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
HEADER = "request_id"


def current() -> str:
    return _current.get()


def begin(sent: str | None) -> contextvars.Token:
    return _current.set(sent if sent and _VALID.fullmatch(sent) else uuid.uuid4().hex)


def end(token: contextvars.Token) -> str:
    rid = _current.get()
    _current.reset(token)
    return rid


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _current.get()
        return True


def _before_publish(headers=None, **kwargs):
    rid = _current.get()
    if rid and headers is not None:
        headers[HEADER] = rid


def _task_prerun(task=None, **kwargs):
    rid = getattr(task.request, HEADER, None) if task is not None else None
    if rid is None and task is not None:
        rid = (getattr(task.request, "headers", None) or {}).get(HEADER)
    # an eager task runs inside the request that queued it: it keeps that id
    task.request._ops_request_id_token = _current.set(rid or _current.get())


def _task_postrun(task=None, **kwargs):
    token = getattr(task.request, "_ops_request_id_token", None) if task is not None else None
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # set in another context (eager task run inside a request): leave it
            pass


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_before_publish, dispatch_uid="ops.request_id.publish", weak=False)
    task_prerun.connect(_task_prerun, dispatch_uid="ops.request_id.prerun", weak=False)
    task_postrun.connect(_task_postrun, dispatch_uid="ops.request_id.postrun", weak=False)
