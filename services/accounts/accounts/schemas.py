"""What crosses the accounts service's RPC and event boundaries."""

from marshmallow import EXCLUDE, Schema, ValidationError, validate, validates_schema

from accounts.domain.rights import unknown_rights
from salon_infra import fields
from salon_infra.validation import MAX_ID


def record_id(**options) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **options)


company_id = record_id(required=True)


def _known_rights(rights: list[str]) -> None:
    if unknown := unknown_rights(rights):
        raise ValidationError(f"Unknown rights: {', '.join(unknown)}.")


class CompanyIdSchema(Schema):
    company_id = company_id


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


class UserSchema(Schema):
    """A user as callers see them; `token_version` is what the gateway's tokens carry."""

    id = fields.Integer()
    company_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role_id = fields.Integer()
    role = fields.Function(lambda user: user.role.name)
    rights = fields.Function(lambda user: user.role.granted_rights)
    staff_member_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    token_version = fields.Integer()


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


class OwnerSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))


class SignupSchema(Schema):
    """The owner is checked here; the company's profile by scheduling, which owns it."""

    company = fields.Dict(required=True)
    owner = fields.Nested(OwnerSchema, required=True)


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


class CredentialsSchema(Schema):
    """Deliberately loose: a malformed email is just a wrong one."""

    company_id = company_id
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1000))


class TokenStateSchema(Schema):
    user_id = fields.Integer()
    token_version = fields.Integer(allow_none=True)


# ---------------------------------------------------------------- scheduling's carry-over event


class CarriedRoleSchema(Schema):
    id = record_id(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    built_in = fields.Boolean(required=True)
    rights = fields.List(fields.String(), allow_none=True, load_default=None)


class CarriedUserSchema(Schema):
    id = record_id(required=True)
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    name = fields.String(required=True, validate=validate.Length(max=200))
    password_hash = fields.String(required=True, validate=validate.Length(min=1, max=255))
    role_id = record_id(required=True)
    staff_member_id = record_id(allow_none=True, load_default=None)
    active = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)


class CarryOverDataSchema(Schema):
    roles = fields.List(fields.Nested(CarriedRoleSchema), required=True)
    users = fields.List(fields.Nested(CarriedUserSchema), required=True)

    @validates_schema
    def _users_hold_roles_of_the_company(self, data, **kwargs):
        role_ids = {role["id"] for role in data["roles"]}
        if strays := sorted({user["role_id"] for user in data["users"]} - role_ids):
            raise ValidationError(f"Roles not in the event: {strays}.", "users")


class CarryOverEventSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    company_id = company_id
    data = fields.Nested(CarryOverDataSchema, required=True)
