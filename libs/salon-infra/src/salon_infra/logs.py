"""JSON log lines, each carrying the request id it was written for.

The gateway takes a request's `X-Request-Id` (or makes one) and sends it with every RPC as
nameko context data (header `nameko.request_id`). A service's worker reads it there
(`salon_infra.nameko.WorkerObserver`) and keeps it in `REQUEST_ID` for the worker's
greenthread: every log record written meanwhile carries it (`RequestIdFilter`), every RPC the
worker makes passes it on (nameko sends the worker's context data), and every event the worker
records in the outbox carries it in its envelope (`salon_infra.outbox`); the relay sends it
as the event's header, so the consumer's worker has it too.

A service's config.yml sets it up:

    LOGGING:
      version: 1
      filters: {request_id: {"()": salon_infra.logs.RequestIdFilter}}
      formatters: {json: {"()": salon_infra.logs.JsonFormatter}}
      handlers: {console: {class: logging.StreamHandler, formatter: json, filters: [request_id]}}
      root: {level: INFO, handlers: [console]}
"""

import contextvars
import logging
import re
import uuid

try:  # orjson where it is installed (every nameko service and the gateway): half the cost of json's
    from pythonjsonlogger.orjson import OrjsonFormatter as _JsonFormatter
except ImportError:  # pragma: no cover - a process without orjson
    from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_KEY = "request_id"
"""Nameko context data (header nameko.request_id) and the event envelope's key."""

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("salon_request_id", default=None)
"""The request id of the work under way: per greenthread under eventlet (each greenlet has a
context of its own), per thread elsewhere."""

_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def current_request_id() -> str | None:
    return REQUEST_ID.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def valid_request_id(value) -> str | None:
    """`value` if it is a request id we keep (1 to 128 letters, digits, `.`, `_`, `:`, `-`):
    anything else could forge log lines or swell every message that carries it."""
    return value if isinstance(value, str) and _VALID.fullmatch(value) else None


class RequestIdFilter(logging.Filter):
    """Puts the current request id on each record (`request_id`, None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, REQUEST_ID_KEY, None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: `time` (ISO 8601, UTC), `level`, `logger`, `message`,
    `request_id`, any `extra` fields, and `exc_info` with the traceback."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)


def json_logging_config(level: str = "INFO", stream: str = "ext://sys.stderr") -> dict:
    """A logging.config.dictConfig for JSON lines with request ids on `stream`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": stream,
            }
        },
        "root": {"level": level, "handlers": ["console"]},
    }
