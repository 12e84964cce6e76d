"""Fields and schemas several boundaries share."""

from marshmallow import Schema, ValidationError, post_load, validate, validates_schema

from salon_infra import fields
from salon_infra.validation import MAX_ID
from scheduling.domain.hours import day_plan_problems, format_local_time, parse_local_time
from scheduling.domain.slots import DayPlan, LocalSpan


def record_id(**options) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **options)


def unique_ids(ids: list[int]) -> None:
    if len(set(ids)) != len(ids):
        raise ValidationError("Each id may be given once.")


company_id = record_id(required=True)
service_ids = fields.List(record_id(), required=True, validate=[validate.Length(min=1, max=10), unique_ids])


class LocalTime(fields.Field):
    """A wall-clock time of day as "HH:MM"."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_local_time(value)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_local_time(value)
        except ValueError:
            raise ValidationError("Not a time of day as HH:MM (00:00 to 23:59).") from None


class LocalSpanSchema(Schema):
    start = LocalTime(required=True)
    end = LocalTime(required=True)

    @validates_schema
    def _starts_before_it_ends(self, span, **kwargs):
        if span["start"] >= span["end"]:
            raise ValidationError("Must be after start.", "end")

    @post_load
    def _as_span(self, span, **kwargs) -> LocalSpan:
        return LocalSpan(span["start"], span["end"])


class DayPlanSchema(Schema):
    """A day's shifts and breaks; loads as a DayPlan."""

    shifts = fields.List(fields.Nested(LocalSpanSchema), load_default=list, validate=validate.Length(max=10))
    breaks = fields.List(fields.Nested(LocalSpanSchema), load_default=list, validate=validate.Length(max=20))

    @validates_schema
    def _consistent(self, plan, **kwargs):
        problems = day_plan_problems(plan["shifts"], plan["breaks"])
        if problems:
            raise ValidationError(problems)

    @post_load
    def _as_plan(self, plan, **kwargs):
        shifts, breaks = plan.pop("shifts"), plan.pop("breaks")
        plan["plan"] = DayPlan(tuple(shifts), tuple(breaks))
        return plan


class IntervalSchema(Schema):
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()


class CompanyIdSchema(Schema):
    company_id = company_id


class MinuteOfDay(fields.Field):
    """A minute of the local day (0..1439), written as "HH:MM"."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value // 60:02d}:{value % 60:02d}"

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            moment = parse_local_time(value)
        except ValueError:
            raise ValidationError("Not a time of day as HH:MM (00:00 to 23:59).") from None
        return moment.hour * 60 + moment.minute
