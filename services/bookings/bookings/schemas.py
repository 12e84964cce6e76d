"""What crosses the bookings service's RPC and event boundaries."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from bookings.domain.appointments import SOURCES, VISIT_STATUS_CODES
from salon_infra.validation import MAX_ID

MAX_LIST_DAYS = 62
MAX_DELETED_AT_ONCE = 500
E164 = r"^\+[1-9][0-9]{6,14}$"

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
    category_id = fields.Integer(allow_none=True)


class AppointmentSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    client_id = fields.Integer()
    client_name = fields.String(allow_none=True)
    client_phone = fields.String(allow_none=True)
    staff_member_id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    services = fields.List(fields.Nested(ServiceLineSchema))
    booking_category = fields.String(allow_none=True)
    total_price = fields.Integer()
    comment = fields.String()
    source = fields.String()
    created_by = fields.Nested(ActorSchema)
    visit_status = fields.String()
    state = fields.String()
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancelled_by = fields.Nested(ActorSchema, allow_none=True)
    deleted_at = fields.AwareDateTime(allow_none=True)
    deleted_by_id = fields.Integer(allow_none=True)
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


class ClientSnapshotSchema(Schema):
    """The client's name and phone as they are when booked, kept with the booking for the overview."""

    name = fields.String(required=True, validate=validate.Length(max=200))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(E164, error="Not E.164."))


booking_category = fields.String(
    load_default=None,
    allow_none=True,
    validate=validate.Length(min=1, max=50),
    metadata={"description": 'A label staff give a booking, e.g. "VIP".'},
)


class CreateAppointmentSchema(Schema):
    client_id = record_id
    client = fields.Nested(ClientSnapshotSchema, load_default=None, allow_none=True)
    booking_category = booking_category
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


def _ids(max_count: int):
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        load_default=list,
        validate=validate.Length(max=max_count),
    )


class OverviewQuerySchema(Schema):
    """Overview > Bookings: every booking of the company, deleted ones too, filtered and paged."""

    created_from = fields.AwareDateTime(load_default=None, allow_none=True)
    created_to = fields.AwareDateTime(load_default=None, allow_none=True, metadata={"description": "exclusive"})
    visit_from = fields.AwareDateTime(load_default=None, allow_none=True)
    visit_to = fields.AwareDateTime(load_default=None, allow_none=True, metadata={"description": "exclusive"})
    staff_member_ids = _ids(200)
    created_by_user_id = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    cancelled = fields.String(load_default="all", validate=validate.OneOf(["all", "cancelled", "not_cancelled"]))
    visit_statuses = fields.List(fields.String(validate=validate.OneOf(list(VISIT_STATUS_CODES))), load_default=list)
    client = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Part of the client's name (any case) or of their phone number's digits."},
    )
    service_category_ids = _ids(200)
    booking_categories = fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=list)
    source = fields.String(load_default="all", validate=validate.OneOf(["all", "online", "offline"]))
    paid = fields.String(load_default="all", validate=validate.OneOf(["all", "paid_in_full", "not_paid_in_full"]))
    services = fields.String(load_default="all", validate=validate.OneOf(["all", "with", "without"]))
    sort = fields.String(load_default="created_at", validate=validate.OneOf(["created_at", "starts_at"]))
    direction = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))
    limit = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=200))
    cursor = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=500), metadata={"description": "next_cursor"}
    )

    @validates_schema
    def ranges_in_order(self, data, **_):
        for start, end in (("created_from", "created_to"), ("visit_from", "visit_to")):
            if data.get(start) and data.get(end) and data[end] <= data[start]:
                raise ValidationError(f"Must be after {start}.", end)


class OverviewRowSchema(Schema):
    id = fields.Integer()
    created_at = fields.AwareDateTime()
    created_by = fields.Nested(ActorSchema)
    source = fields.String()
    staff_member_id = fields.Integer()
    services = fields.List(fields.Nested(ServiceLineSchema(only=("service_id", "title", "price", "category_id"))))
    client_id = fields.Integer()
    client_name = fields.String(allow_none=True)
    client_phone = fields.String(allow_none=True)
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    visit_status = fields.String()
    payment_status = fields.String()
    paid_amount = fields.Integer()
    total_price = fields.Integer()
    discount = fields.Integer()
    state = fields.String()
    deleted_at = fields.AwareDateTime(allow_none=True)
    deleted_by_id = fields.Integer(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)
    booking_category = fields.String(allow_none=True)
    comment = fields.String()


class OverviewPageSchema(Schema):
    rows = fields.List(fields.Nested(OverviewRowSchema))
    next_cursor = fields.String(allow_none=True)


class DeletingUserSchema(ActorSchema):
    kind = fields.String(required=True, validate=validate.Equal("user", error="Only staff users delete bookings."))


class DeleteAppointmentsSchema(Schema):
    appointment_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        required=True,
        validate=validate.Length(min=1, max=MAX_DELETED_AT_ONCE),
    )
    actor = fields.Nested(DeletingUserSchema, required=True)
    may_delete_paid = fields.Boolean(load_default=False)
    may_delete_arrived = fields.Boolean(load_default=False)


class SkippedSchema(Schema):
    id = fields.Integer()
    reason = fields.String()


class DeletionSchema(Schema):
    deleted = fields.List(fields.Integer())
    skipped = fields.List(fields.Nested(SkippedSchema))


class ImportedLineSchema(Schema):
    service_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=24 * 60))
    price = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**12))
    category_id = fields.Integer(load_default=None, allow_none=True, strict=True)


class ImportedAppointmentSchema(Schema):
    row = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    key = fields.String(required=True, validate=validate.Length(min=8, max=64))
    client_id = record_id
    client_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    client_phone = fields.String(required=True, validate=validate.Length(min=3, max=16))
    staff_member_id = record_id
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    services = fields.List(fields.Nested(ImportedLineSchema), load_default=list, validate=validate.Length(max=20))
    discount = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=10**12))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    visit_status = fields.String(load_default="pending", validate=validate.OneOf(list(VISIT_STATUS_CODES)))

    @validates_schema
    def ends_after_start(self, data, **_):
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Must be after starts_at.", "ends_at")


def _time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValidationError("Not an IANA time zone, e.g. Europe/Berlin.") from None


class ImportAppointmentsSchema(Schema):
    timezone = fields.String(
        load_default="UTC",
        validate=[validate.Length(min=1, max=64), _time_zone],
        metadata={"description": "the salon's, for the times in problem messages"},
    )
    dry_run = fields.Boolean(load_default=False)
    created_by = fields.Nested(ActorSchema, required=True)
    appointments = fields.List(
        fields.Nested(ImportedAppointmentSchema), required=True, validate=validate.Length(max=20_000)
    )
