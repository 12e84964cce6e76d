"""Marshmallow checks at the RPC and event boundaries."""

from marshmallow import Schema, ValidationError

from salon_infra.errors import InvalidInput

MAX_ID = 2**63 - 1  # ids are BIGINT; anything larger is bad input, not a database error


def load(schema: Schema, value, *, many: bool | None = None):
    """Validate what a caller sent; a problem becomes InvalidInput naming each field."""
    if nul_at := find_nul(value):
        raise InvalidInput(f"invalid {nul_at}", _nested(nul_at.split("."), ["Must not contain NUL characters."]))
    try:
        return schema.load(value, many=many)
    except ValidationError as err:
        errors = _as_field_errors(err.messages)
        raise InvalidInput(f"invalid {', '.join(sorted(errors))}", errors) from None


def _nested(path: list[str], messages: list[str]) -> dict:
    """["client", "name"] -> {"client": {"name": messages}}, as marshmallow names nested fields."""
    errors: dict = {path[-1]: messages}
    for part in reversed(path[:-1]):
        errors = {part: errors}
    return errors


def _as_field_errors(messages) -> dict:
    if isinstance(messages, dict):
        return messages
    return {"_schema": messages}


def find_nul(value, path: str = "") -> str | None:
    """The path ("client.name", "lines.0.title") of the first text holding a NUL character,
    which PostgreSQL cannot store; None if there is none."""
    if isinstance(value, str):
        return (path or "_schema") if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if found := find_nul(item, f"{path}.{key}" if path else str(key)):
            return found
    return None
