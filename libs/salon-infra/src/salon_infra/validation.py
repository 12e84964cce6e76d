"""Marshmallow checks at the RPC and event boundaries, and the bounds every input keeps.

The bounds are one rule for the gateway and every service (`salon_infra.fields` applies them
field by field, `find_problem` to a whole JSON value):
- a whole number fits a signed 64-bit integer (ids are BIGINT; JSON encoders stop there);
- a number is finite;
- text is valid Unicode (no lone surrogate, which UTF-8 cannot carry) without NUL characters
  (which PostgreSQL cannot store);
- a date, and the date of a time as written, is from FIRST_DAY to LAST_DAY: far enough from
  the ends of Python's calendar that a time zone or a few weeks added never overflow;
- JSON is nested at most MAX_DEPTH levels.
"""

import math
from datetime import date

from marshmallow import Schema, ValidationError

from salon_infra.errors import InvalidInput

MAX_ID = 2**63 - 1  # ids are BIGINT; anything larger is bad input, not a database error
MIN_INT, MAX_INT = -(2**63), 2**63 - 1
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_DEPTH = 32

NUL_MESSAGE = "Must not contain NUL characters."
SURROGATE_MESSAGE = "Must be valid Unicode text (a lone surrogate is not)."
INT_MESSAGE = f"Must be a whole number from {MIN_INT} to {MAX_INT}."
FINITE_MESSAGE = "Must be a finite number."
DAY_MESSAGE = f"Must be a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}."
KEY_MESSAGE = "Names in it must be valid Unicode text without NUL characters."
DEPTH_MESSAGE = f"Must not be nested more than {MAX_DEPTH} levels deep."


def load(schema: Schema, value, *, many: bool | None = None):
    """Validate what a caller sent; a problem becomes InvalidInput naming each field."""
    if problem := find_problem(value):
        path, message = problem
        raise InvalidInput(f"invalid {path}", nested_errors(path, [message]))
    try:
        return schema.load(value, many=many)
    except ValidationError as err:
        errors = _as_field_errors(err.messages)
        raise InvalidInput(f"invalid {', '.join(sorted(map(str, errors)))}", errors) from None


def text_problem(text: str) -> str | None:
    """What is wrong with a text, or None: a NUL character, or a lone surrogate."""
    if "\x00" in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def find_problem(value, path: str = "", depth: int = 0) -> tuple[str, str] | None:
    """The first value in a decoded JSON value that breaks the bounds, as (path, message), the
    path as marshmallow names fields ("client.name", "lines.1.title", "_schema" for the whole);
    None if there is none."""
    here = path or "_schema"
    if isinstance(value, str):
        problem = text_problem(value)
        return (here, problem) if problem else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if MIN_INT <= value <= MAX_INT else (here, INT_MESSAGE)
    if isinstance(value, float):
        return None if math.isfinite(value) else (here, FINITE_MESSAGE)
    if isinstance(value, dict):
        if any(not isinstance(key, str) or text_problem(key) for key in value):
            return (here, KEY_MESSAGE)
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    if depth >= MAX_DEPTH:
        return (here, DEPTH_MESSAGE)
    for key, item in items:
        if found := find_problem(item, f"{path}.{key}" if path else str(key), depth + 1):
            return found
    return None


def nested_errors(path: str, messages: list[str]) -> dict:
    """The errors of one field by its path: "client.name" -> {"client": {"name": messages}}."""
    parts = path.split(".")
    errors: dict = {parts[-1]: messages}
    for part in reversed(parts[:-1]):
        errors = {part: errors}
    return errors


def _as_field_errors(messages) -> dict:
    if isinstance(messages, dict):
        return messages
    return {"_schema": messages}
