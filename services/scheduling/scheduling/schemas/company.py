"""The company profile."""

from marshmallow import Schema, ValidationError, validate

from salon_infra import fields
from scheduling.domain.company import SLOT_STEPS, is_currency_code, is_known_country, is_known_timezone


def _known_timezone(name: str) -> None:
    if not is_known_timezone(name):
        raise ValidationError("Not an IANA time zone, e.g. Europe/Berlin.")


def _currency_code(code: str) -> None:
    if not is_currency_code(code):
        raise ValidationError("Not an ISO 4217 currency code, e.g. EUR.")


def _known_country(code: str) -> None:
    if not is_known_country(code):
        raise ValidationError("Not an ISO 3166 alpha-2 country code, e.g. DE.")


_slot_step = validate.OneOf(SLOT_STEPS, error="Must be one of {choices} minutes.")


class CompanySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    timezone = fields.String()
    currency = fields.String()
    country = fields.String()
    slot_step_minutes = fields.Integer()
    last_name_field_enabled = fields.Boolean()
    middle_name_field_enabled = fields.Boolean()


class CompanyChangesSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    timezone = fields.String(validate=_known_timezone)
    currency = fields.String(validate=_currency_code)
    country = fields.String(validate=_known_country)
    slot_step_minutes = fields.Integer(strict=True, validate=_slot_step)
    last_name_field_enabled = fields.Boolean()
    middle_name_field_enabled = fields.Boolean()


class NewCompanySchema(CompanyChangesSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(required=True, validate=_known_timezone)
    currency = fields.String(required=True, validate=_currency_code)
    country = fields.String(required=True, validate=_known_country)
    slot_step_minutes = fields.Integer(strict=True, load_default=15, validate=_slot_step)


class CreateCompanySchema(Schema):
    company = fields.Nested(NewCompanySchema, required=True)
    signup_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=8, max=36))


class SignupKeySchema(Schema):
    signup_key = fields.String(required=True, validate=validate.Length(min=8, max=36))
