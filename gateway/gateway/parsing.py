"""The one place a request's arguments are read: every API blueprint is a `Blueprint` from here.

A JSON body is read strictly and checked whole before any schema sees it, so no body can make
a 500: one that is not UTF-8 or not JSON (NaN and Infinity included), or nested too deeply to
read, is 400; one holding a number beyond 64 bits (a 5,000-digit one too), a non-finite number,
a lone surrogate or a NUL in any text, or deeper than salon_infra.validation.MAX_DEPTH, is 422
naming the field. A body sent with another content type is not read (its fields are missing:
422), and marshmallow refuses JSON that is not an object where one is due (422).
"""

import json

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from salon_infra.validation import MAX_INT, find_problem, nested_errors

# JSON has no leading zeros, so a whole number of more digits than this is beyond 64 bits.
_MAX_DIGITS = len(str(MAX_INT))
_TOO_LARGE = 2**64  # stands in for a number too long to convert (Python refuses past 4,300 digits)


class GatewayParser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return read_json(req.get_data(cache=True))


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = GatewayParser()


def read_json(raw: bytes):
    """A request body as JSON, checked whole; `missing` for an empty body."""
    if not raw:
        return core.missing
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        abort(400, messages={"json": [f"Not UTF-8 text: {problem.reason} at byte {problem.start}."]})
    try:
        value = json.loads(text, parse_int=_whole_number, parse_constant=_no_constant)
    except RecursionError:
        abort(400, messages={"json": ["Not readable JSON: nested too deeply."]})
    except ValueError as problem:  # json.JSONDecodeError, and _no_constant's
        abort(400, messages={"json": [f"Not valid JSON: {problem}."]})
    if found := find_problem(value):
        path, message = found
        abort(422, messages={"json": nested_errors(path, [message])})
    return value


def _whole_number(digits: str) -> int:
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        return -_TOO_LARGE if digits.startswith("-") else _TOO_LARGE
    return int(digits)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")
