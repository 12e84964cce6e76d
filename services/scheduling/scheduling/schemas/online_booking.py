"""Online booking settings, and a staff member's or a service's own slot timing and prepayment rule."""

from marshmallow import Schema, ValidationError, validate, validates_schema

from salon_infra import fields
from scheduling.domain.company import SLOT_STEPS
from scheduling.domain.online_booking import (
    COMMENT_LABEL_MAX,
    CUTOFF_MAX_MINUTES,
    CUTOFF_STEP_MINUTES,
    FIELD_MODES,
    PREPAYMENT_RULES,
    timing_problems,
)
from scheduling.schemas.common import MinuteOfDay, company_id, record_id

DISPLAY_INTERVALS = (*SLOT_STEPS, 90, 120, 180, 240)
MAX_BUFFER_MINUTES = 30 * 24 * 60

_search_interval = validate.OneOf(SLOT_STEPS, error="Must be one of {choices} minutes.")
_display_interval = validate.OneOf(DISPLAY_INTERVALS, error="Must be one of {choices} minutes.")
_prepayment = validate.OneOf(PREPAYMENT_RULES)
_mode = validate.OneOf(FIELD_MODES)


def _cutoff(minutes: int) -> None:
    if not 0 <= minutes <= CUTOFF_MAX_MINUTES or minutes % CUTOFF_STEP_MINUTES:
        raise ValidationError(
            f"Must be 0 to {CUTOFF_MAX_MINUTES} minutes (48 hours), in steps of {CUTOFF_STEP_MINUTES}."
        )


class _TimingWindow(Schema):
    @validates_schema
    def _window_in_order(self, settings, **kwargs):
        problems = timing_problems(
            {"search_from": settings.get("search_from_minute"), "search_until": settings.get("search_until_minute")}
        )
        if problems:
            raise ValidationError(problems)


class OwnTimingSchema(_TimingWindow):
    """Fields a staff member or a service adds; null inherits the company's setting."""

    search_interval_minutes = fields.Integer(strict=True, allow_none=True, validate=_search_interval)
    display_interval_minutes = fields.Integer(strict=True, allow_none=True, validate=_display_interval)
    search_from_minute = MinuteOfDay(data_key="search_from", allow_none=True)
    search_until_minute = MinuteOfDay(data_key="search_until", allow_none=True)
    prepayment = fields.String(validate=_prepayment)


class SettingsSchema(_TimingWindow):
    """The company's online booking settings, as read and as partially changed."""

    search_interval_minutes = fields.Integer(strict=True, validate=_search_interval)
    display_interval_minutes = fields.Integer(strict=True, allow_none=True, validate=_display_interval)
    search_from_minute = MinuteOfDay(data_key="search_from")
    search_until_minute = MinuteOfDay(data_key="search_until")
    buffer_minutes = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_BUFFER_MINUTES))
    change_cutoff_minutes = fields.Integer(strict=True, validate=_cutoff)
    comment_field = fields.String(validate=_mode)
    comment_label = fields.String(validate=validate.Length(min=1, max=COMMENT_LABEL_MAX))
    email_field = fields.String(validate=_mode)
    last_name_field = fields.String(validate=_mode)
    middle_name_field = fields.String(validate=_mode)
    contact_step_message = fields.String(validate=validate.Length(max=1000))
    any_specialist = fields.Boolean()
    online_staff_member_id = record_id(allow_none=True)
    sms_confirmation = fields.Boolean()
    push_confirmation = fields.Boolean()
    push_requires_login = fields.Boolean()
    online_payment = fields.Boolean()


class PublicSettingsSchema(Schema):
    """What the widget needs to draw its steps."""

    any_specialist = fields.Boolean()
    staff_member_id = fields.Integer(attribute="online_staff_member_id", allow_none=True)
    fields_ = fields.Function(
        lambda rules: {
            "comment": {"mode": rules.comment_field, "label": rules.comment_label},
            "email": {"mode": rules.email_field},
            "last_name": {"mode": rules.last_name_field},
            "middle_name": {"mode": rules.middle_name_field},
        },
        data_key="fields",
    )
    contact_step_message = fields.String()
    sms_confirmation = fields.Boolean()
    push_confirmation = fields.Boolean()
    remember_device = fields.Function(lambda rules: rules.remembers_device())
    change_cutoff_minutes = fields.Integer()


class ContactSchema(Schema):
    """The contact details a client typed in, checked against the required and hidden fields."""

    company_id = company_id
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    email = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=254))
    last_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    middle_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
