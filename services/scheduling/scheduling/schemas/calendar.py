"""The calendar's days.

The queries are validated here; the answers are built by `calendar_days_json` rather than a
nested schema, because the day view is on a benchmarked path. Each staff member is dumped
once, however many days show them.
"""

from marshmallow import Schema, ValidationError, validate, validates_schema

from salon_infra import fields
from scheduling.domain.slots import Interval
from scheduling.handlers.calendar import CalendarDays
from scheduling.schemas.common import company_id, record_id, unique_ids
from scheduling.schemas.staff import StaffMemberSchema

MAX_CALENDAR_DAYS = 31
MAX_CALENDAR_STAFF = 100

_STAFF = StaffMemberSchema(many=True)


class CalendarDayQuerySchema(Schema):
    company_id = company_id
    date = fields.Date(required=True)


class CalendarDaysQuerySchema(Schema):
    company_id = company_id
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True, metadata={"description": "inclusive"})
    staff_member_ids = fields.List(
        record_id(),
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=MAX_CALENDAR_STAFF), unique_ids],
        metadata={"description": "null: every active staff member"},
    )

    @validates_schema
    def _sensible_range(self, query, **kwargs):
        days = (query["date_to"] - query["date_from"]).days + 1
        if days < 1:
            raise ValidationError("Must not be before date_from.", "date_to")
        if days > MAX_CALENDAR_DAYS:
            raise ValidationError(f"Show at most {MAX_CALENDAR_DAYS} days at once.", "date_to")


def calendar_days_json(found: CalendarDays) -> dict:
    """{timezone, days: [{date, staff: [{staff_member, working: [{start, end}], breaks: [{start, end}]}]}]}"""
    staff = _STAFF.dump(found.staff)
    return {
        "timezone": found.timezone,
        "days": [
            {
                "date": day.date.isoformat(),
                "staff": [
                    {"staff_member": member, "working": _spans(column.working), "breaks": _spans(column.breaks)}
                    for member, column in zip(staff, day.columns, strict=True)
                ],
            }
            for day in found.days
        ],
    }


def calendar_day_json(found: CalendarDays) -> dict:
    """One day as {date, timezone, staff: [...]}: the first of calendar_days_json's days."""
    (day,) = calendar_days_json(found)["days"]
    return {"date": day["date"], "timezone": found.timezone, "staff": day["staff"]}


def _spans(intervals: list[Interval]) -> list[dict]:
    return [{"start": interval.start.isoformat(), "end": interval.end.isoformat()} for interval in intervals]
