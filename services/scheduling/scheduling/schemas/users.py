"""Roles, rights and users."""

from marshmallow import Schema, ValidationError, validate

from salon_infra import fields
from scheduling.domain.rights import unknown_rights
from scheduling.schemas.common import company_id, record_id


def _known_rights(rights: list[str]) -> None:
    if unknown := unknown_rights(rights):
        raise ValidationError(f"Unknown rights: {', '.join(unknown)}.")


class RightSchema(Schema):
    name = fields.String()
    description = fields.String()


class RoleSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    name = fields.String()
    built_in = fields.Boolean()
    rights = fields.Function(lambda role: role.granted_rights)


class RoleChangesSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=60))
    rights = fields.List(fields.String(), validate=[validate.Length(max=50), _known_rights])


class NewRoleSchema(RoleChangesSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    rights = fields.List(fields.String(), required=True, validate=[validate.Length(max=50), _known_rights])


class UserChangesSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    role_id = record_id()
    active = fields.Boolean()
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))
    staff_member_id = record_id(allow_none=True)


class NewUserSchema(Schema):
    """A new user starts active."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))
    role_id = record_id(required=True)
    staff_member_id = record_id(load_default=None, allow_none=True)


class RoleIdSchema(Schema):
    company_id = company_id
    role_id = record_id(required=True)
    acting_user_id = record_id(load_default=None, allow_none=True)


class UserIdSchema(Schema):
    company_id = company_id
    user_id = record_id(required=True)
    acting_user_id = record_id(load_default=None, allow_none=True)


class ActingUserSchema(Schema):
    company_id = company_id
    acting_user_id = record_id(load_default=None, allow_none=True)
