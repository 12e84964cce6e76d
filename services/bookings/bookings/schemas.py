"""What crosses the bookings service's RPC and event boundaries."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bookings.domain.appointments import SOURCES, VISIT_STATUS_CODES
from salon_infra.validation import MAX_ID

MAX_LIST_DAYS = 62

company_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
record_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


class ActorSchema(Schema):
    """Who did it: a user (staff, admin) or the client."""

    kind = fields.String(required=True, validate=validate.OneOf(["user", "client"]))
    id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


class ServiceLineSchema(Schema):
    service_id = fields.Integer()
    title = fields.String()
    duration_minutes = fields.Integer()
    price = fields.Integer()


class AppointmentSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    client_id = fields.Integer()
    staff_member_id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    services = fields.List(fields.Nested(ServiceLineSchema))
    total_price = fields.Integer()
    comment = fields.String()
    source = fields.String()
    created_by = fields.Nested(ActorSchema)
    visit_status = fields.String()
    state = fields.String()
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancelled_by = fields.Nested(ActorSchema, allow_none=True)
    prepayment_required = fields.Boolean()
    paid_amount = fields.Integer()
    payment_status = fields.String()
    refund_status = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class AppointmentEventSchema(AppointmentSchema):
    """data.appointment of appointment_* events: the appointment without prices and notes."""

    service_ids = fields.Function(lambda appointment: [line.service_id for line in appointment.services])

    class Meta:
        fields = (
            "id", "company_id", "client_id", "staff_member_id", "starts_at", "ends_at", "service_ids",
            "source", "created_by", "visit_status", "state", "version",
        )  # fmt: skip


class CreateAppointmentSchema(Schema):
    client_id = record_id
    staff_member_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "One staff member, or candidates; null for any eligible staff member."},
    )
    service_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        required=True,
        validate=validate.Length(min=1, max=10),
    )
    starts_at = fields.AwareDateTime(required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    created_by = fields.Nested(ActorSchema, required=True)
    idempotency_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    visit_status = fields.String(load_default="pending", validate=validate.OneOf(list(VISIT_STATUS_CODES)))

    @validates_schema
    def distinct_staff(self, data, **_):
        staff = data.get("staff_member_ids") or []
        if len(set(staff)) != len(staff):
            raise ValidationError("A staff member is listed twice.", "staff_member_ids")


class RescheduleSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    staff_member_id = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    actor = fields.Nested(ActorSchema, required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))


class CancelSchema(Schema):
    actor = fields.Nested(ActorSchema, required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ListAppointmentsSchema(Schema):
    period_start = fields.AwareDateTime(required=True)
    period_end = fields.AwareDateTime(required=True)
    staff_member_ids = fields.List(fields.Integer(strict=True), load_default=None, allow_none=True)
    include_cancelled = fields.Boolean(load_default=False)

    @validates_schema
    def bounded_range(self, data, **_):
        span = data["period_end"] - data["period_start"]
        if span.total_seconds() <= 0:
            raise ValidationError("Must be after period_start.", "period_end")
        if span.days > MAX_LIST_DAYS:
            raise ValidationError(f"At most {MAX_LIST_DAYS} days at once.", "period_end")


class LinkRescheduleSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)


class RecordIdsSchema(Schema):
    company_id = company_id
    appointment_id = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID))


class LinkSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=5, max=200))


class PaymentSchema(Schema):
    amount = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=10**12), metadata={"description": "minor units"}
    )
