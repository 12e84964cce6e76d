"""What crosses the bookings service's RPC and event boundaries."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, post_load, validate, validates_schema

from bookings.domain import commands
from bookings.domain.appointments import ONLINE_SOURCES, SOURCES, VISIT_STATUS_CODES
from bookings.domain.model import Actor, LineChange
from bookings.domain.pricing import MAX_PRICE, MAX_QUANTITY, Discount, PriceProblem, percent_hundredths
from salon_infra import fields
from salon_infra.extra_fields import TYPES
from salon_infra.validation import MAX_ID

MAX_LIST_DAYS = 62
MAX_DELETED_AT_ONCE = 500
MAX_LENGTH_MINUTES = 24 * 60
E164 = r"^\+[1-9][0-9]{6,14}$"
COLOUR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="Use #rrggbb.")

company_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
record_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


class ActorSchema(Schema):
    """Who did it: a user (staff, admin) or the client."""

    kind = fields.String(required=True, validate=validate.OneOf(["user", "client"]))
    id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


class ActorField(fields.Nested):
    """An ActorSchema that loads as a domain Actor."""

    def __init__(self, **kwargs):
        super().__init__(ActorSchema, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        loaded = super()._deserialize(value, attr, data, **kwargs)
        return Actor(loaded["kind"], loaded["id"])

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else {"kind": value.kind, "id": value.id}


class DiscountSchema(Schema):
    """An amount (minor units) or a percent (up to two decimals), not both."""

    amount = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_PRICE * MAX_QUANTITY))
    percent = fields.Raw(metadata={"description": "0 to 100, at most two decimals, e.g. 12.5"})

    @validates_schema
    def one_kind(self, data, **_):
        if ("amount" in data) == ("percent" in data):
            raise ValidationError("Give amount or percent.", "_schema")
        if "percent" in data and (
            isinstance(data["percent"], bool) or not isinstance(data["percent"], int | float | str)
        ):
            raise ValidationError("Must be a number.", "percent")

    @post_load
    def make(self, data, **_):
        if "amount" in data:
            return Discount(amount=data["amount"])
        try:
            return Discount(percent=percent_hundredths(data["percent"]))
        except PriceProblem as problem:
            raise ValidationError(problem.message, "percent") from None


class LineChangeSchema(Schema):
    id = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "a kept line"}
    )
    service_id = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID),
                                metadata={"description": "a new line of this service"})  # fmt: skip
    quantity = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_QUANTITY))
    price = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_PRICE))
    discount = fields.Nested(DiscountSchema)

    @post_load
    def make(self, data, **_):
        return LineChange(**data)


class ServiceLineSchema(Schema):
    id = fields.Integer()
    service_id = fields.Integer()
    title = fields.String()
    duration_minutes = fields.Integer()
    price = fields.Integer()
    quantity = fields.Integer()
    discount = fields.Integer(metadata={"description": "minor units off the line"})
    discount_percent = fields.Function(
        lambda line: None if line.discount_percent is None else line.discount_percent / 100,
        metadata={"description": "the percent entered, if the discount is one"},
    )
    subtotal = fields.Integer()
    total = fields.Integer()
    category_id = fields.Integer(allow_none=True)


class AppointmentSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    client_id = fields.Integer()
    client_name = fields.String(allow_none=True)
    client_phone = fields.String(allow_none=True)
    client_email = fields.String(allow_none=True)
    staff_member_id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    services = fields.List(fields.Nested(ServiceLineSchema))
    category_id = fields.Integer(allow_none=True)
    colour = fields.String(allow_none=True)
    extra_fields = fields.Dict()
    group_event_id = fields.Integer(allow_none=True)
    total_price = fields.Integer()
    discount = fields.Integer()
    due = fields.Integer()
    comment = fields.String()
    source = fields.String()
    created_by = fields.Nested(ActorSchema)
    visit_status = fields.String()
    visit_status_changed_at = fields.AwareDateTime(allow_none=True)
    visit_status_changed_by = fields.Nested(ActorSchema, allow_none=True)
    state = fields.String()
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancelled_by = fields.Nested(ActorSchema, allow_none=True)
    deleted_at = fields.AwareDateTime(allow_none=True)
    deleted_by_id = fields.Integer(allow_none=True)
    prepayment_required = fields.Boolean()
    paid_amount = fields.Integer(metadata={"description": "the payments service's copy"})
    sales_total = fields.Integer(metadata={"description": "products and cards sold in the visit (payments' copy)"})
    payment_status = fields.String()
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ClientSnapshotSchema(Schema):
    """The client as the booking carries them (for an online booking: as typed in, any phone form)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=3, max=40))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    last_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    middle_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @post_load
    def make(self, data, **_):
        return commands.ClientSnapshot(**data)


class OnlineClientSchema(Schema):
    phone_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    device_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=8, max=200))
    default_region = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[A-Z]{2}$"))

    @post_load
    def make(self, data, **_):
        return commands.OnlineClient(**data)


def _known_client(data: dict) -> None:
    """A staff booking names the client's card; an online one brings the client to find or create."""
    if data.get("client_id") is None:
        client = data.get("client")
        if client is None or not client.phone:
            raise ValidationError("Give client_id, or the client with their phone.", "client")
        if data.get("created_by") is not None and data["created_by"].kind != "client":
            raise ValidationError("Staff name the client's card (client_id).", "client_id")
        if data.get("source") not in ONLINE_SOURCES:  # the salon's rules (SMS confirmation) apply to these
            raise ValidationError("Only an online booking brings a client not yet known.", "client_id")
    elif data.get("online_client") is not None:
        raise ValidationError("Only for a client not yet known (no client_id).", "online_client")
    elif data.get("created_by") is None:
        raise ValidationError("Say who books.", "created_by")


def _record_id(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _length(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_LENGTH_MINUTES), **kwargs)


def _tuple_of(items):
    return tuple(items) if items is not None else None


class CreateAppointmentSchema(Schema):
    client_id = _record_id(load_default=None, allow_none=True)
    client = fields.Nested(ClientSnapshotSchema, load_default=None, allow_none=True)
    online_client = fields.Nested(OnlineClientSchema, load_default=None, allow_none=True)
    category_id = _record_id(load_default=None, allow_none=True)
    colour = fields.String(load_default=None, allow_none=True, validate=COLOUR)
    extra_fields = fields.Dict(keys=fields.String(validate=validate.Length(max=50)), load_default=dict)
    length_minutes = _length(load_default=None, allow_none=True)
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
    created_by = ActorField(load_default=None, allow_none=True)
    idempotency_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    visit_status = fields.String(load_default="pending", validate=validate.OneOf(list(VISIT_STATUS_CODES)))

    @validates_schema
    def distinct_staff(self, data, **_):
        staff = data.get("staff_member_ids") or []
        if len(set(staff)) != len(staff):
            raise ValidationError("A staff member is listed twice.", "staff_member_ids")
        _known_client(data)

    @post_load
    def make(self, data, **_):
        return commands.CreateAppointment(
            **{
                **data,
                "staff_member_ids": _tuple_of(data["staff_member_ids"]),
                "service_ids": tuple(data["service_ids"]),
            }
        )


class EditAppointmentSchema(Schema):
    """Only what is given changes; `services` lists every line the appointment keeps, in order."""

    actor = ActorField(required=True)
    services = fields.List(fields.Nested(LineChangeSchema), validate=validate.Length(max=20))
    length_minutes = _length()
    comment = fields.String(validate=validate.Length(max=1000))
    category_id = _record_id(allow_none=True)
    colour = fields.String(allow_none=True, validate=COLOUR)
    extra_fields = fields.Dict(keys=fields.String(validate=validate.Length(max=50)))
    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))

    @post_load
    def make(self, data, **_):
        clear = frozenset(name for name in ("category_id", "colour") if name in data and data[name] is None)
        values = {name: value for name, value in data.items() if value is not None}
        if "services" in values:
            values["services"] = tuple(values["services"])
        return commands.EditAppointment(**values, clear=clear)


class VisitStatusSchema(Schema):
    visit_status = fields.String(required=True, validate=validate.OneOf(list(VISIT_STATUS_CODES)))
    actor = ActorField(required=True)

    @post_load
    def make(self, data, **_):
        return commands.SetVisitStatus(**data)


class RescheduleSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    staff_member_id = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    actor = ActorField(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))

    @post_load
    def make(self, data, **_):
        return commands.Reschedule(**data)


class CancelSchema(Schema):
    actor = ActorField(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))

    @post_load
    def make(self, data, **_):
        return commands.Cancel(**data)


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
    category_ids = _ids(200)
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


OVERVIEW_LINE_FIELDS = ("service_id", "title", "price", "quantity", "discount", "subtotal", "total", "category_id")


class OverviewRowSchema(Schema):
    id = fields.Integer()
    created_at = fields.AwareDateTime()
    created_by = fields.Nested(ActorSchema)
    source = fields.String()
    staff_member_id = fields.Integer()
    services = fields.List(fields.Nested(ServiceLineSchema(only=OVERVIEW_LINE_FIELDS)))
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
    category_id = fields.Integer(allow_none=True)
    group_event_id = fields.Integer(allow_none=True)
    comment = fields.String()


class OverviewPageSchema(Schema):
    rows = fields.List(fields.Nested(OverviewRowSchema))
    next_cursor = fields.String(allow_none=True)


class DeletingUserSchema(ActorSchema):
    kind = fields.String(required=True, validate=validate.Equal("user", error="Only staff users delete bookings."))

    @post_load
    def make(self, data, **_):
        return Actor(data["kind"], data["id"])


class DeleteAppointmentsSchema(Schema):
    appointment_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        required=True,
        validate=validate.Length(min=1, max=MAX_DELETED_AT_ONCE),
    )
    actor = fields.Nested(DeletingUserSchema, required=True)
    may_delete_paid = fields.Boolean(load_default=False)
    may_delete_arrived = fields.Boolean(load_default=False)

    @post_load
    def make(self, data, **_):
        return commands.DeleteAppointments(**{**data, "appointment_ids": tuple(data["appointment_ids"])})


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
        if data["discount"] > sum(line["price"] for line in data["services"]):
            raise ValidationError("Must not exceed the services' prices.", "discount")


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


# ---------------------------------------------------------------- the calendar


class PeriodSchema(Schema):
    period_start = fields.AwareDateTime(required=True)
    period_end = fields.AwareDateTime(required=True)
    staff_member_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        load_default=None, allow_none=True, validate=validate.Length(max=200),
    )  # fmt: skip

    @validates_schema
    def bounded_range(self, data, **_):
        span = data["period_end"] - data["period_start"]
        if span.total_seconds() <= 0:
            raise ValidationError("Must be after period_start.", "period_end")
        if span.days > MAX_LIST_DAYS:
            raise ValidationError(f"At most {MAX_LIST_DAYS} days at once.", "period_end")


class GroupEventQuerySchema(PeriodSchema):
    service_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
                              load_default=None, allow_none=True, validate=validate.Length(max=50))  # fmt: skip
    with_free_seats = fields.Boolean(load_default=False, metadata={"description": "only those not started with a seat"})


class SeatSchema(Schema):
    """A seat of a group event, as the event's window lists it."""

    appointment_id = fields.Integer(attribute="id")
    client_id = fields.Integer()
    client_name = fields.String(allow_none=True)
    client_phone = fields.String(allow_none=True)
    visit_status = fields.String()
    paid_amount = fields.Integer()
    total_price = fields.Integer()


class GroupEventSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    staff_member_id = fields.Integer()
    service_id = fields.Integer()
    service_title = fields.String()
    title = fields.String(allow_none=True)
    name = fields.String(metadata={"description": "the title, else the service's"})
    price = fields.Integer()
    category_id = fields.Integer(allow_none=True)
    comment = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    capacity = fields.Integer()
    seats_taken = fields.Integer()
    free_seats = fields.Integer()
    state = fields.String()
    version = fields.Integer()
    created_at = fields.AwareDateTime()


class GroupEventWithSeatsSchema(Schema):
    group_event = fields.Nested(GroupEventSchema, attribute="event")
    seats = fields.List(fields.Nested(SeatSchema))


class NewGroupEventSchema(Schema):
    staff_member_id = record_id
    service_id = record_id
    starts_at = fields.AwareDateTime(required=True)
    length_minutes = _length(load_default=None, allow_none=True)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=500))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    category_id = _record_id(load_default=None, allow_none=True)
    created_by = ActorField(required=True)

    @post_load
    def make(self, data, **_):
        return commands.CreateGroupEvent(**data)


class GroupEventChangesSchema(Schema):
    actor = ActorField(required=True)
    starts_at = fields.AwareDateTime()
    length_minutes = _length()
    capacity = fields.Integer(strict=True, validate=validate.Range(min=1, max=500))
    title = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))
    comment = fields.String(validate=validate.Length(max=1000))

    @post_load
    def make(self, data, **_):
        clear = frozenset({"title"}) if "title" in data and data["title"] is None else frozenset()
        return commands.ChangeGroupEvent(**{k: v for k, v in data.items() if v is not None}, clear=clear)


class BookSeatSchema(Schema):
    client_id = _record_id(load_default=None, allow_none=True)
    client = fields.Nested(ClientSnapshotSchema, load_default=None, allow_none=True)
    online_client = fields.Nested(OnlineClientSchema, load_default=None, allow_none=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    created_by = ActorField(load_default=None, allow_none=True)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    idempotency_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))

    @validates_schema
    def known_client(self, data, **_):
        _known_client(data)

    @post_load
    def make(self, data, **_):
        return commands.BookSeat(**data)


class NewBreakSchema(Schema):
    staff_member_id = record_id
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    actor = ActorField(required=True)

    @post_load
    def make(self, data, **_):
        return commands.AddBreak(**data)


class BreakSchema(Schema):
    id = fields.Integer()
    staff_member_id = fields.Integer()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    note = fields.String(allow_none=True)
    state = fields.String()
    created_by_id = fields.Integer()
    version = fields.Integer()


class ClientsOfStaffMemberSchema(Schema):
    company_id = company_id
    staff_member_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
    client_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)), required=True,
        validate=validate.Length(max=500),
    )  # fmt: skip


class BusyRecordsQuerySchema(Schema):
    """A page of one kind's records for scheduling's resync, or (without kind) their digest."""

    company_id = company_id
    kind = fields.String(validate=validate.OneOf(["appointment", "group_event", "break"]))
    ends_after = fields.AwareDateTime(required=True)
    after_id = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=MAX_ID))
    limit = fields.Integer(load_default=500, strict=True, validate=validate.Range(min=1, max=1000))


class CalendarQuerySchema(PeriodSchema):
    timezone = fields.String(load_default="UTC", validate=[validate.Length(min=1, max=64), _time_zone],
                             metadata={"description": "the salon's: the answer's times are in it"})  # fmt: skip


class CategorySchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    colour = fields.String(required=True, validate=COLOUR)


class ExtraFieldSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list,
                          validate=validate.Length(max=100))  # fmt: skip


class ActorOnlySchema(Schema):
    actor = ActorField(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
