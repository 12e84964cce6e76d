"""Events consumed from other services. Unknown fields are ignored: producers may add some."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

APPOINTMENT_STATES = ("booked", "cancelled", "deleted")


class AppointmentSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(strict=True, required=True)
    staff_member_id = fields.Integer(strict=True, required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    version = fields.Integer(strict=True, required=True)
    state = fields.String(required=True, validate=validate.OneOf(APPOINTMENT_STATES))

    @validates_schema
    def _ends_after_it_starts(self, appointment, **kwargs):
        if appointment["ends_at"] < appointment["starts_at"]:
            raise ValidationError("Must not be before starts_at.", "ends_at")


class AppointmentEventDataSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    appointment = fields.Nested(AppointmentSchema, required=True)


class AppointmentEventSchema(Schema):
    """The envelope of bookings' appointment_* events."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    company_id = fields.Integer(strict=True, required=True)
    data = fields.Nested(AppointmentEventDataSchema, required=True)
