"""JSON log lines with the request id (the gateway's side of salon_infra.logs).

Each request's id is its `X-Request-Id` header when it is a sane one (1 to 128 letters, digits,
`.`, `_`, `:`, `-`), else a new one; it is kept in `REQUEST_ID` for the request's thread, sent
with every RPC as nameko context data (header `nameko.request_id`, gateway.rpc), written on every
log line (`RequestIdFilter`) and returned as the response's `X-Request-Id`. Light on purpose:
gunicorn.conf.py imports it in the master process.
"""

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.orjson import OrjsonFormatter

HEADER = "X-Request-Id"
RPC_HEADER = "nameko.request_id"  # nameko's context data `request_id`, as salon_infra.logs reads it

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("gateway_request_id", default=None)
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def current_request_id() -> str | None:
    return REQUEST_ID.get()


def request_id_from(header: str | None) -> str:
    """The caller's request id if it is a sane one, else a new one."""
    if header and _VALID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(OrjsonFormatter):
    """`time` (ISO 8601, UTC), `level`, `logger`, `message`, `request_id`, `extra` fields, `exc_info`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)


def logging_config(level: str = "INFO") -> dict:
    """dictConfig for the gateway (gunicorn's `logconfig_dict`, or create_app outside gunicorn):
    JSON lines on stderr, gunicorn's own logs included."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"],
               "stream": "ext://sys.stderr"}  # fmt: skip
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"console": handler},
        "root": {"level": level, "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": level, "handlers": [], "propagate": True},
            "pika": {"level": "WARNING"},
        },
    }
