"""What crosses the clients service's RPC boundary."""

from marshmallow import Schema, ValidationError, validate

from clients.domain.phones import is_known_region
from salon_infra import fields
from salon_infra.validation import MAX_ID


def known_region(region: str) -> None:
    if not is_known_region(region):
        raise ValidationError("Not a supported ISO 3166 region code, e.g. DE.")


company_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
client_name = fields.String(validate=validate.Length(min=1, max=200))
email = fields.Email(allow_none=True, validate=validate.Length(max=254))


class ClientSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    phone = fields.String()
    name = fields.String()
    email = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    middle_name = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class FindOrCreateClientSchema(Schema):
    company_id = company_id
    phone = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = email
    last_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    middle_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    default_region = fields.String(load_default=None, allow_none=True, validate=known_region)
    fill_in = fields.Boolean(load_default=True, metadata={"description": "false: an existing card is not changed"})


class PhoneSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=40))
    default_region = fields.String(load_default=None, allow_none=True, validate=known_region)


class DeviceSchema(Schema):
    company_id = company_id
    client_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
    device_token = fields.String(required=True, validate=validate.Length(min=8, max=200))


class ClientIdsSchema(Schema):
    company_id = company_id
    client_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        required=True,
        validate=validate.Length(max=1000),
    )


class SearchClientsSchema(Schema):
    company_id = company_id
    text = fields.String(required=True, validate=validate.Length(min=1, max=100))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    default_region = fields.String(load_default=None, allow_none=True, validate=known_region)


class UpdateClientSchema(Schema):
    name = client_name
    email = email
    last_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    middle_name = fields.String(allow_none=True, validate=validate.Length(max=200))


class PhonesSchema(Schema):
    phones = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True,
                         validate=validate.Length(max=20_000))  # fmt: skip
    default_region = fields.String(load_default=None, allow_none=True, validate=known_region)


class NewClientSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = email


class FindOrCreateClientsSchema(Schema):
    company_id = company_id
    clients = fields.List(fields.Nested(NewClientSchema), required=True, validate=validate.Length(max=20_000))
    default_region = fields.String(load_default=None, allow_none=True, validate=known_region)
