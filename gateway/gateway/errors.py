"""The one place that decides which error becomes which HTTP status.

REMOTE_ERRORS maps an error a service raised (by its type name, as nameko sends it) to a
local type; HTTP_STATUS maps local types to status codes. Every error body has the same
shape: {"code", "status", "message", "errors"?}, with field errors under errors.json as
flask-smorest reports request validation.
"""

import logging
from http import HTTPStatus

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, message: str, field_errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors


class BadRequest(ApiError):
    pass


class Unauthorized(ApiError):
    pass


class Forbidden(ApiError):
    pass


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    pass


class Gone(ApiError):
    pass


class InvalidInput(ApiError):
    pass


class ServiceUnavailable(ApiError):
    pass


class Busy(ServiceUnavailable):
    """The server has no room for this request now; it may be sent again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class TooManyRequests(ApiError):
    """Asked too often: `retry_after` seconds until it may work (the Retry-After header), and `limit`
    naming the limit in the body ({"name", ...})."""

    def __init__(self, message: str, retry_after: int, limit: dict | None = None):
        super().__init__(message)
        self.retry_after = max(int(retry_after), 1)
        self.limit = limit


class RemoteBug(ApiError):
    """A service failed in a way it should not: a bug to fix, reported as 500."""


HTTP_STATUS = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    InvalidInput: 422,
    TooManyRequests: 429,
    ServiceUnavailable: 503,
    Busy: 503,
    RemoteBug: 500,
}

REMOTE_ERRORS = {
    "NotFound": NotFound,
    "InvalidInput": InvalidInput,
    "Conflict": Conflict,
    "SlotTaken": Conflict,
    "NoFreeSeat": Conflict,
    "AppointmentClosed": Conflict,
    "ChangesClosed": Conflict,
    "StaleVersion": Conflict,
    "LinkExpired": Gone,
    "ExportExpired": Gone,
    "AuthenticationFailed": Unauthorized,
    "ServiceUnavailable": ServiceUnavailable,
    "DailyLimitReached": TooManyRequests,
}


def remote_error(error: dict) -> ApiError:
    """The local error for a nameko error reply {"exc_type", "exc_args", "value", ...}."""
    local_type = REMOTE_ERRORS.get(error.get("exc_type"))
    if local_type is None:
        log.error("unexpected remote error %s: %s", error.get("exc_path"), error.get("value"))
        return RemoteBug("internal error")
    args = error.get("exc_args") or [error.get("value", "")]
    message = str(args[0])
    if local_type is TooManyRequests:
        return daily_limit_reached(message, args[1] if len(args) > 1 and isinstance(args[1], dict) else {})
    # InvalidInput and Conflict name the fields at fault; an empty dict names none.
    named = local_type in (InvalidInput, Conflict) and len(args) > 1 and isinstance(args[1], dict)
    field_errors = (args[1] or None) if named else None
    return local_type(message, field_errors)


def daily_limit_reached(message: str, details: dict) -> TooManyRequests:
    """notifications' DailyLimitReached {channel, cap, retry_after}: the salon's daily cap of a channel
    is used up until the next day (UTC). nameko sends the details' numbers as strings."""
    channel = details.get("channel") if details.get("channel") in ("sms", "email") else "message"
    cap, retry_after = _whole(details.get("cap")), _whole(details.get("retry_after")) or 3600
    what = {"sms": "SMS", "email": "emails"}.get(channel, "messages")
    text = f"This salon has sent its {cap} {what} for today, its daily limit" if cap is not None else message
    return TooManyRequests(
        f"{text}; more can be sent in {_duration(retry_after)}.",
        retry_after,
        limit={"name": f"{channel}_daily_cap", "cap": cap},
    )


def _whole(value) -> int | None:
    text = str(value) if isinstance(value, int | str) else ""
    return int(text) if text.isdigit() else None


def _duration(seconds: int) -> str:
    hours, minutes = divmod((seconds + 59) // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def nest_field_errors(error: ApiError, under: str) -> ApiError:
    """Place a service's field errors under the request field they came from (e.g. client.phone)."""
    if error.field_errors:
        error.field_errors = {under: error.field_errors}
    return error


def error_body(code: int, message: str, field_errors: dict | None = None) -> dict:
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if field_errors:
        body["errors"] = {"json": field_errors}
    return body


def api_error_response(error: ApiError):
    code = HTTP_STATUS[type(error)]
    body, headers = error_body(code, error.message, error.field_errors), {}
    if (retry_after := getattr(error, "retry_after", None)) is not None:  # a 429, or a busy 503
        headers["Retry-After"] = str(retry_after)
    if isinstance(error, TooManyRequests) and error.limit:
        body["limit"] = error.limit
    return jsonify(body), code, headers


def _naming(messages: dict) -> str:
    """The message of a 422: "invalid starts_at, staff_member_id", or "invalid request"
    when the request as a whole is at fault (not JSON, or not an object)."""
    fields = {str(field) for where in messages.values() if isinstance(where, dict) for field in where}
    named = sorted(fields - {"_schema"})
    return f"invalid {', '.join(named)}" if named else "invalid request"


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, api_error_response)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # flask-smorest puts validation messages in error.data["messages"]
        messages = getattr(error, "data", {}).get("messages")
        body = error_body(error.code, error.description if not messages else _naming(messages))
        if messages:
            body["errors"] = messages
        return jsonify(body), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        return jsonify(error_body(500, "internal error")), 500
