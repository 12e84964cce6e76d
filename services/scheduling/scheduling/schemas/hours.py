"""Working hours: the weekly pattern, dated overrides and one-off breaks."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from scheduling.domain.hours import LONGEST_DATED_BREAK
from scheduling.schemas.common import DayPlanSchema, company_id, record_id


def _one_entry_per_weekday(days: list[dict]) -> None:
    weekdays = [day["weekday"] for day in days]
    if len(set(weekdays)) != len(weekdays):
        raise ValidationError("Each weekday may be given once.")


class WeeklyDaySchema(DayPlanSchema):
    weekday = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=6))


class WeeklyHoursSchema(Schema):
    company_id = company_id
    staff_member_id = record_id(required=True)
    weekly = fields.List(fields.Nested(WeeklyDaySchema), required=True, validate=_one_entry_per_weekday)


class DateOverrideSchema(DayPlanSchema):
    date = fields.Date(required=True)


class DateOverrideKeySchema(Schema):
    company_id = company_id
    staff_member_id = record_id(required=True)
    date = fields.Date(required=True)


class NewBreakSchema(Schema):
    company_id = company_id
    staff_member_id = record_id(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))

    @validates_schema
    def _sensible_length(self, break_, **kwargs):
        if break_["ends_at"] <= break_["starts_at"]:
            raise ValidationError("Must be after starts_at.", "ends_at")
        if break_["ends_at"] - break_["starts_at"] > LONGEST_DATED_BREAK:
            raise ValidationError(f"A break lasts at most {LONGEST_DATED_BREAK.days} days.", "ends_at")


class BreakIdSchema(Schema):
    company_id = company_id
    break_id = record_id(required=True)


class DatedBreakSchema(Schema):
    id = fields.Integer()
    staff_member_id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    note = fields.String(allow_none=True)


class WorkingHoursSchema(Schema):
    staff_member_id = fields.Integer()
    weekly = fields.List(fields.Nested(WeeklyDaySchema))
    overrides = fields.List(fields.Nested(DateOverrideSchema))
    breaks = fields.List(fields.Nested(DatedBreakSchema(exclude=("staff_member_id",))))
