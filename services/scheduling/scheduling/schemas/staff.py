"""Staff members."""

from marshmallow import Schema, fields, validate

from scheduling.schemas.common import company_id, record_id


class StaffMemberSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    name = fields.String()
    position = fields.String()
    active = fields.Boolean()
    bookable_online = fields.Boolean()
    service_ids = fields.List(fields.Integer())


class StaffMemberChangesSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    position = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()
    bookable_online = fields.Boolean()


class NewStaffMemberSchema(StaffMemberChangesSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position = fields.String(load_default="", validate=validate.Length(max=200))
    active = fields.Boolean(load_default=True)
    bookable_online = fields.Boolean(load_default=True)


class ListStaffSchema(Schema):
    company_id = company_id
    service_id = record_id(load_default=None, allow_none=True)
    bookable_online = fields.Boolean(load_default=None, allow_none=True)
    include_inactive = fields.Boolean(load_default=False)


class StaffMemberIdSchema(Schema):
    company_id = company_id
    staff_member_id = record_id(required=True)
