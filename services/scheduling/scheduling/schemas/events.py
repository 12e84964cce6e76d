"""Events consumed from other services. Unknown fields are ignored: producers may add some."""

from marshmallow import EXCLUDE, Schema, ValidationError, validate, validates_schema

from salon_infra import fields

APPOINTMENT_STATES = ("booked", "cancelled", "deleted")
GROUP_EVENT_STATES = ("booked", "cancelled", "deleted")
BREAK_STATES = ("active", "removed")


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class _TimedRecordSchema(_Lenient):
    """What every record that may occupy a staff member's time carries."""

    id = fields.Integer(strict=True, required=True)
    staff_member_id = fields.Integer(strict=True, required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    version = fields.Integer(strict=True, required=True)

    @validates_schema
    def _ends_after_it_starts(self, record, **kwargs):
        if record["ends_at"] < record["starts_at"]:
            raise ValidationError("Must not be before starts_at.", "ends_at")


class AppointmentSchema(_TimedRecordSchema):
    state = fields.String(required=True, validate=validate.OneOf(APPOINTMENT_STATES))
    group_event_id = fields.Integer(strict=True, load_default=None, allow_none=True)


class GroupEventSchema(_TimedRecordSchema):
    state = fields.String(required=True, validate=validate.OneOf(GROUP_EVENT_STATES))


class BreakSchema(_TimedRecordSchema):
    state = fields.String(required=True, validate=validate.OneOf(BREAK_STATES))


class AppointmentDataSchema(_Lenient):
    appointment = fields.Nested(AppointmentSchema, required=True)


class GroupEventDataSchema(_Lenient):
    group_event = fields.Nested(GroupEventSchema, required=True)


class BreakDataSchema(_Lenient):
    break_ = fields.Nested(BreakSchema, required=True, data_key="break")


class _EnvelopeSchema(_Lenient):
    """What every event of bookings carries; `data` holds the record."""

    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    company_id = fields.Integer(strict=True, required=True)


class AppointmentEventSchema(_EnvelopeSchema):
    """appointment_created, _rescheduled, _cancelled, _deleted and _changed."""

    data = fields.Nested(AppointmentDataSchema, required=True)


class GroupEventEventSchema(_EnvelopeSchema):
    """group_event_created, _changed and _cancelled."""

    data = fields.Nested(GroupEventDataSchema, required=True)


class BreakEventSchema(_EnvelopeSchema):
    """break_added and break_removed."""

    data = fields.Nested(BreakDataSchema, required=True)
