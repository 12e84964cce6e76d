"""Working hours: the weekly pattern and dated overrides."""

from marshmallow import Schema, ValidationError, validate

from salon_infra import fields
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


class WorkingHoursSchema(Schema):
    staff_member_id = fields.Integer()
    weekly = fields.List(fields.Nested(WeeklyDaySchema))
    overrides = fields.List(fields.Nested(DateOverrideSchema))
