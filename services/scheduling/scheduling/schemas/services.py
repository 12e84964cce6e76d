"""Service categories, services, and who performs them."""

from marshmallow import Schema, ValidationError, validate, validates_schema

from salon_infra import fields
from scheduling.schemas.common import MinuteOfDay, company_id, record_id
from scheduling.schemas.online_booking import OwnTimingSchema

MAX_PRICE = 10**12  # minor units
MAX_GROUP_CAPACITY = 500


def _group_capacity(**options) -> fields.Integer:
    return fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_GROUP_CAPACITY),
        metadata={"description": "a group service's default seats per event; null: an individual service"},
        **options,
    )


def duration_rule(minutes: int) -> None:
    if not 5 <= minutes <= 720 or minutes % 5:
        raise ValidationError("Must be 5 to 720 minutes, in steps of 5.")


def _one_entry_per_staff_member(assignments: list[dict]) -> None:
    ids = [assignment["staff_member_id"] for assignment in assignments]
    if len(set(ids)) != len(ids):
        raise ValidationError("Each staff member may be listed once.")


def _price(**options) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_PRICE), **options)


class CategorySchema(Schema):
    id = fields.Integer()
    title = fields.String()


class CategoryChangesSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class StaffAssignmentSchema(Schema):
    """A staff member performing the service; duration_minutes overrides the service's."""

    staff_member_id = record_id(required=True)
    duration_minutes = fields.Integer(strict=True, load_default=None, allow_none=True, validate=duration_rule)


class ServiceSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    category_id = fields.Integer(allow_none=True)
    title = fields.String()
    duration_minutes = fields.Integer()
    price_min = fields.Integer()
    price_max = fields.Integer()
    active = fields.Boolean()
    bookable_online = fields.Boolean()
    prepayment = fields.String()
    group_capacity = fields.Integer(allow_none=True)
    search_interval_minutes = fields.Integer(allow_none=True)
    display_interval_minutes = fields.Integer(allow_none=True)
    search_from_minute = MinuteOfDay(data_key="search_from", allow_none=True)
    search_until_minute = MinuteOfDay(data_key="search_until", allow_none=True)
    staff = fields.List(fields.Nested(StaffAssignmentSchema))


class ServiceChangesSchema(OwnTimingSchema):
    """A partial change; the handler checks the prices against the stored ones."""

    category_id = record_id(allow_none=True)
    title = fields.String(validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(strict=True, validate=duration_rule)
    price_min = _price()
    price_max = _price()
    active = fields.Boolean()
    bookable_online = fields.Boolean()
    group_capacity = _group_capacity()
    staff = fields.List(
        fields.Nested(StaffAssignmentSchema), validate=[validate.Length(max=500), _one_entry_per_staff_member]
    )


class NewServiceSchema(ServiceChangesSchema):
    """price_max defaults to price_min: a fixed price."""

    category_id = record_id(load_default=None, allow_none=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(strict=True, required=True, validate=duration_rule)
    price_min = _price(required=True)
    price_max = _price(load_default=None)
    active = fields.Boolean(load_default=True)
    bookable_online = fields.Boolean(load_default=True)
    prepayment = fields.String(load_default="none", validate=validate.OneOf(("none", "required")))
    group_capacity = _group_capacity(load_default=None)
    staff = fields.List(
        fields.Nested(StaffAssignmentSchema),
        load_default=list,
        validate=[validate.Length(max=500), _one_entry_per_staff_member],
    )

    @validates_schema
    def _price_range(self, service, **kwargs):
        if service["price_max"] is not None and service["price_max"] < service["price_min"]:
            raise ValidationError("Must not be below price_min.", "price_max")


class ListServicesSchema(Schema):
    company_id = company_id
    bookable_online = fields.Boolean(load_default=None, allow_none=True)
    include_inactive = fields.Boolean(load_default=False)


class ServiceIdSchema(Schema):
    company_id = company_id
    service_id = record_id(required=True)


class CategoryIdSchema(Schema):
    company_id = company_id
    category_id = record_id(required=True)
