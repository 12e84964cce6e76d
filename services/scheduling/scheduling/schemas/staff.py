"""Staff members."""

from marshmallow import Schema, validate

from salon_infra import fields
from scheduling.schemas.common import MinuteOfDay, company_id, record_id
from scheduling.schemas.online_booking import OwnTimingSchema


class StaffMemberSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    name = fields.String()
    position = fields.String()
    active = fields.Boolean()
    bookable_online = fields.Boolean()
    in_any_specialist_pool = fields.Boolean()
    prepayment = fields.String()
    search_interval_minutes = fields.Integer(allow_none=True)
    display_interval_minutes = fields.Integer(allow_none=True)
    search_from_minute = MinuteOfDay(data_key="search_from", allow_none=True)
    search_until_minute = MinuteOfDay(data_key="search_until", allow_none=True)
    service_ids = fields.List(fields.Integer())


class StaffMemberChangesSchema(OwnTimingSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    position = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()
    bookable_online = fields.Boolean()
    in_any_specialist_pool = fields.Boolean(metadata={"description": '"Skip choosing specialist": in the any pool'})


class NewStaffMemberSchema(StaffMemberChangesSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position = fields.String(load_default="", validate=validate.Length(max=200))
    active = fields.Boolean(load_default=True)
    bookable_online = fields.Boolean(load_default=True)
    in_any_specialist_pool = fields.Boolean(load_default=True)
    prepayment = fields.String(load_default="none", validate=validate.OneOf(("none", "required")))


class ListStaffSchema(Schema):
    company_id = company_id
    service_id = record_id(load_default=None, allow_none=True)
    bookable_online = fields.Boolean(load_default=None, allow_none=True)
    include_inactive = fields.Boolean(load_default=False)


class StaffMemberIdSchema(Schema):
    company_id = company_id
    staff_member_id = record_id(required=True)
