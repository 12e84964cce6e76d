"""What crosses the notifications service's RPC and event boundaries."""

from marshmallow import EXCLUDE, Schema, validate

from notifications.domain.channels import CHANNELS, SUBJECT_MAX_LENGTH
from notifications.domain.messages import APPOINTMENT_EVENTS
from salon_infra import fields
from salon_infra.validation import MAX_ID

company_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
e164_phone = validate.Regexp(
    r"^\+[1-9][0-9]{6,14}$", error="Must be a phone number in E.164 form, e.g. +4915112345678."
)
purpose = fields.String(
    required=True,
    validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$", error="Must be a lowercase word like appointment_created."),
)


# A one-time code's message: its text is sent but stored masked (phone_code ones always are).
sensitive = fields.Boolean(load_default=False)


class SendSmsSchema(Schema):
    company_id = company_id
    phone = fields.String(required=True, validate=e164_phone)
    text = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    purpose = purpose
    sensitive = sensitive


class SendEmailSchema(Schema):
    company_id = company_id
    to = fields.Email(required=True, validate=validate.Length(max=254))
    subject = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=SUBJECT_MAX_LENGTH),
            validate.Regexp(r"^[^\r\n]*$", error="Must be one line."),
        ],
    )
    text = fields.String(required=True, validate=validate.Length(min=1, max=100_000))
    purpose = purpose
    sensitive = sensitive


class ListMessagesSchema(Schema):
    company_id = company_id
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    recipient = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=254))
    purpose = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50))
    limit = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=200))


class SentMessageSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    channel = fields.String()
    recipient = fields.String()
    subject = fields.String(allow_none=True)
    body = fields.String()
    purpose = fields.String()
    event_id = fields.String(allow_none=True)
    status = fields.String()
    provider_message_id = fields.String(allow_none=True)
    error = fields.String(allow_none=True)  # a plain reason; the provider's own words are never sent out
    sensitive = fields.Boolean()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)


SEND_RESULT_FIELDS = ("id", "channel", "recipient", "status", "purpose", "created_at", "sent_at", "error")


class ChannelUsageSchema(Schema):
    sent = fields.Integer()
    cap = fields.Integer()
    remaining = fields.Integer()


class DailyUsageSchema(Schema):
    day = fields.Date()
    resets_at = fields.AwareDateTime()
    sms = fields.Nested(ChannelUsageSchema)
    email = fields.Nested(ChannelUsageSchema)


class AppointmentSchema(Schema):
    """data.appointment of bookings' appointment_* events; unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(strict=True, required=True)
    client_id = fields.Integer(strict=True, required=True)
    starts_at = fields.AwareDateTime(required=True)
    source = fields.String(required=True)


class EventClientSchema(Schema):
    """data.client: the client's contact as the booking carries it."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)


class AppointmentEventDataSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    appointment = fields.Nested(AppointmentSchema, required=True)
    client = fields.Nested(EventClientSchema, load_default=None, allow_none=True)
    link_token = fields.String(load_default=None, allow_none=True)


class AppointmentEventSchema(Schema):
    """The envelope of bookings' appointment_* events."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    event_type = fields.String(required=True, validate=validate.OneOf(APPOINTMENT_EVENTS))
    company_id = company_id
    data = fields.Nested(AppointmentEventDataSchema, required=True)
