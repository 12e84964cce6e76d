"""Marshmallow checks at the RPC and event boundaries."""

from marshmallow import Schema, ValidationError

from salon_infra.errors import InvalidInput


def load(schema: Schema, value, *, many: bool | None = None):
    """Validate what a caller sent; a problem becomes InvalidInput naming each field."""
    try:
        return schema.load(value, many=many)
    except ValidationError as err:
        errors = _as_field_errors(err.messages)
        raise InvalidInput(f"invalid {', '.join(sorted(errors))}", errors) from None


def _as_field_errors(messages) -> dict:
    if isinstance(messages, dict):
        return messages
    return {"_schema": messages}
