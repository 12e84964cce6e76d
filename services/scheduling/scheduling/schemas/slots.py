"""Slot search and quotes.

find_slots validates its query here, but its answer is built by `slot_days_json`, not by
a schema: it can hold thousands of slots, and it is the hot path.
"""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, post_dump, validate, validates_schema

from salon_infra import fields
from scheduling.domain.slots import DaySlots
from scheduling.schemas.common import company_id, record_id, service_ids, unique_ids

MAX_SEARCH_DAYS = 62


class FindSlotsSchema(Schema):
    company_id = company_id
    service_ids = service_ids
    staff_member_id = record_id(load_default=None, allow_none=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    online = fields.Boolean(load_default=True)

    @validates_schema
    def _sensible_range(self, query, **kwargs):
        days = (query["date_to"] - query["date_from"]).days + 1
        if days < 1:
            raise ValidationError("Must not be before date_from.", "date_to")
        if days > MAX_SEARCH_DAYS:
            raise ValidationError(f"Search at most {MAX_SEARCH_DAYS} days at once.", "date_to")


def slot_days_json(tz: ZoneInfo, step_minutes: int, days: Sequence[DaySlots]) -> dict:
    return {
        "timezone": tz.key,
        "step_minutes": step_minutes,
        "days": [
            {
                "date": day.day.isoformat(),
                "slots": [
                    {"start": slot.start.isoformat(), "staff_member_ids": list(slot.staff_member_ids)}
                    for slot in day.slots
                ],
            }
            for day in days
        ],
    }


class QuoteQuerySchema(Schema):
    company_id = company_id
    staff_member_ids = fields.List(
        record_id(),
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=50), unique_ids],
        metadata={"description": "null: everyone who can do the services"},
    )
    service_ids = service_ids
    starts_at = fields.AwareDateTime(required=True)
    enforce_working_hours = fields.Boolean(load_default=True)
    online = fields.Boolean(load_default=True)
    new_booking = fields.Boolean(load_default=True, metadata={"description": "false: moving a booking"})
    contact = fields.Nested(
        "QuoteContactSchema", load_default=None, allow_none=True,
        metadata={"description": "what a client typed in online: checked against the required and hidden fields"},
    )  # fmt: skip


class QuoteContactSchema(Schema):
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    email = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=254))
    last_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    middle_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class QuotedServiceSchema(Schema):
    service_id = fields.Integer()
    title = fields.String()
    duration_minutes = fields.Integer()
    price = fields.Integer()
    category_id = fields.Integer(allow_none=True)


class QuoteSchema(Schema):
    staff_member_id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    services = fields.List(fields.Nested(QuotedServiceSchema))
    prepayment_required = fields.Boolean()


class QuoteRulesSchema(Schema):
    """The online booking rules that apply to making the booking (online quotes only)."""

    sms_confirmation = fields.Boolean()
    remember_device = fields.Function(lambda rules: rules.remembers_device())


class QuotesSchema(Schema):
    quotes = fields.List(fields.Nested(QuoteSchema))
    problems = fields.Dict(keys=fields.String(), values=fields.String())
    rules = fields.Nested(QuoteRulesSchema, allow_none=True, metadata={"description": "online quotes only"})

    @post_dump
    def only_online_rules(self, data, **_):
        if data.get("rules") is None:
            data.pop("rules", None)
        return data
