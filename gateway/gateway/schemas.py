"""Request and response shapes of the HTTP API; they also make the OpenAPI document.

The gateway checks shapes (types, required fields, lengths); the services check the
salon's rules at their own boundary and answer with field errors the gateway passes on.
"""

from marshmallow import Schema, fields, validate

HH_MM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM, 00:00 to 23:59.")
MAX_ID = 2**63 - 1  # ids are BIGINT
positive_id = validate.Range(min=1, max=MAX_ID)


# ---------------------------------------------------------------- company and users


class CompanySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    timezone = fields.String()
    currency = fields.String()
    country = fields.String()
    slot_step_minutes = fields.Integer()


class CompanyFieldsSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(required=True, metadata={"example": "Europe/Berlin"})
    currency = fields.String(required=True, metadata={"example": "EUR"})
    country = fields.String(required=True, metadata={"example": "DE"})
    slot_step_minutes = fields.Integer(metadata={"example": 15})


class OwnerSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))


class SignupSchema(Schema):
    company = fields.Nested(CompanyFieldsSchema, required=True)
    owner = fields.Nested(OwnerSchema, required=True)


class UserSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    staff_member_id = fields.Integer(allow_none=True)


class LoginSchema(Schema):
    company_id = fields.Integer(required=True, validate=positive_id)
    email = fields.Email(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class SessionSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(UserSchema)


class SignedUpSchema(Schema):
    company = fields.Nested(CompanySchema)
    user = fields.Nested(UserSchema)
    access_token = fields.String()


# ---------------------------------------------------------------- team and catalogue


class StaffMemberSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position = fields.String(load_default="", validate=validate.Length(max=200))
    active = fields.Boolean(load_default=True)
    bookable_online = fields.Boolean(load_default=True)
    service_ids = fields.List(fields.Integer(), dump_only=True)


class PublicStaffMemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    position = fields.String()
    service_ids = fields.List(fields.Integer())


class CategorySchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ServiceStaffSchema(Schema):
    staff_member_id = fields.Integer(required=True, validate=positive_id)
    duration_minutes = fields.Integer(load_default=None, allow_none=True)


class ServiceSchema(Schema):
    id = fields.Integer(dump_only=True)
    category_id = fields.Integer(load_default=None, allow_none=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(required=True)
    price_min = fields.Integer(required=True, metadata={"description": "minor units, e.g. cents"})
    price_max = fields.Integer(required=True, metadata={"description": "minor units, e.g. cents"})
    active = fields.Boolean(load_default=True)
    bookable_online = fields.Boolean(load_default=True)
    staff = fields.List(fields.Nested(ServiceStaffSchema), load_default=list)


class PublicServiceSchema(Schema):
    id = fields.Integer()
    category_id = fields.Integer(allow_none=True)
    title = fields.String()
    duration_minutes = fields.Integer()
    price_min = fields.Integer()
    price_max = fields.Integer()
    staff_member_ids = fields.Function(lambda service: [entry["staff_member_id"] for entry in service["staff"]])


# ---------------------------------------------------------------- working hours


class SpanSchema(Schema):
    start = fields.String(required=True, validate=HH_MM, metadata={"example": "09:00"})
    end = fields.String(required=True, validate=HH_MM, metadata={"example": "18:00"})


class DayPlanSchema(Schema):
    shifts = fields.List(fields.Nested(SpanSchema), load_default=list)
    breaks = fields.List(fields.Nested(SpanSchema), load_default=list)


class WeekdayPlanSchema(DayPlanSchema):
    weekday = fields.Integer(required=True, validate=validate.Range(min=0, max=6), metadata={"description": "0=Monday"})


class WeeklyHoursSchema(Schema):
    weekly = fields.List(fields.Nested(WeekdayPlanSchema), required=True, validate=validate.Length(max=7))


class DateOverrideSchema(DayPlanSchema):
    date = fields.Date(dump_only=True)


class BreakSchema(Schema):
    id = fields.Integer(dump_only=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class WorkingHoursSchema(Schema):
    staff_member_id = fields.Integer()
    weekly = fields.List(fields.Nested(WeekdayPlanSchema))
    overrides = fields.List(fields.Nested(DateOverrideSchema))
    breaks = fields.List(fields.Nested(BreakSchema))


# ---------------------------------------------------------------- slots


class SlotQuerySchema(Schema):
    service_ids = fields.List(
        fields.Integer(validate=positive_id),
        data_key="service_id",
        required=True,
        validate=validate.Length(min=1, max=10),
    )
    staff_member_id = fields.Integer(load_default=None, validate=positive_id, metadata={"description": "omit for any"})
    date_from = fields.Date(load_default=None, metadata={"description": "default: today in the salon's time zone"})
    date_to = fields.Date(load_default=None, metadata={"description": "default: date_from + 13 days"})


class SlotSchema(Schema):
    start = fields.String(metadata={"example": "2027-03-28T09:00:00+02:00"})
    staff_member_ids = fields.List(fields.Integer())


class SlotDaySchema(Schema):
    date = fields.String()
    slots = fields.List(fields.Nested(SlotSchema))


class SlotsSchema(Schema):
    timezone = fields.String()
    step_minutes = fields.Integer()
    days = fields.List(fields.Nested(SlotDaySchema))


# ---------------------------------------------------------------- appointments


class ClientFieldsSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.String(
        required=True, validate=validate.Length(min=3, max=40), metadata={"example": "+4915123456789"}
    )
    email = fields.Email(load_default=None, allow_none=True)


class ClientSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    email = fields.String(allow_none=True)


class ServiceLineSchema(Schema):
    service_id = fields.Integer()
    title = fields.String()
    duration_minutes = fields.Integer()
    price = fields.Integer()


class ActorSchema(Schema):
    kind = fields.String()
    id = fields.Integer()


class AppointmentSchema(Schema):
    id = fields.Integer()
    client_id = fields.Integer()
    client = fields.Nested(ClientSchema, allow_none=True)
    staff_member_id = fields.Integer()
    starts_at = fields.String()
    ends_at = fields.String()
    services = fields.List(fields.Nested(ServiceLineSchema))
    total_price = fields.Integer()
    comment = fields.String()
    source = fields.String()
    created_by = fields.Nested(ActorSchema)
    visit_status = fields.String()
    state = fields.String()
    cancelled_at = fields.String(allow_none=True)
    cancelled_by = fields.Nested(ActorSchema, allow_none=True)
    version = fields.Integer()
    created_at = fields.String()


class WidgetBookingSchema(Schema):
    service_ids = fields.List(
        fields.Integer(validate=positive_id), required=True, validate=validate.Length(min=1, max=10)
    )
    staff_member_id = fields.Integer(load_default=None, allow_none=True, metadata={"description": "null for any"})
    starts_at = fields.AwareDateTime(required=True, metadata={"example": "2027-03-28T09:00:00+02:00"})
    client = fields.Nested(ClientFieldsSchema, required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class StaffBookingSchema(Schema):
    client_id = fields.Integer(load_default=None, validate=positive_id)
    client = fields.Nested(ClientFieldsSchema, load_default=None)
    staff_member_id = fields.Integer(required=True, validate=positive_id)
    service_ids = fields.List(
        fields.Integer(validate=positive_id), required=True, validate=validate.Length(min=1, max=10)
    )
    starts_at = fields.AwareDateTime(required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    source = fields.String(load_default="admin", validate=validate.OneOf(["admin", "mobile"]))
    visit_status = fields.String(load_default="pending", validate=validate.OneOf(["pending", "confirmed", "arrived"]))


class RescheduleSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    staff_member_id = fields.Integer(load_default=None, allow_none=True, validate=positive_id)


class CancelSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class PublicBookingSchema(Schema):
    """What a client sees through their booking link: no other client's data, no internals."""

    id = fields.Integer()
    state = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()
    services = fields.List(fields.Nested(ServiceLineSchema))
    total_price = fields.Integer()
    comment = fields.String()
    staff_member = fields.Nested(PublicStaffMemberSchema(only=("id", "name", "position")))
    company = fields.Nested(CompanySchema(only=("id", "name", "timezone", "currency")))


class BookedSchema(Schema):
    appointment = fields.Nested(PublicBookingSchema)
    link_token = fields.String(metadata={"description": "the secret for GET/POST /bookings/{token}"})
    replayed = fields.Boolean(metadata={"description": "true when the Idempotency-Key was seen before"})


class StaffBookedSchema(Schema):
    appointment = fields.Nested(AppointmentSchema)
    link_token = fields.String()
    replayed = fields.Boolean()


# ---------------------------------------------------------------- calendar and clients


class CalendarQuerySchema(Schema):
    date = fields.Date(required=True)


class IntervalSchema(Schema):
    start = fields.String()
    end = fields.String()
    id = fields.Integer(allow_none=True)


class CalendarColumnSchema(Schema):
    staff_member = fields.Nested(StaffMemberSchema)
    working = fields.List(fields.Nested(IntervalSchema))
    breaks = fields.List(fields.Nested(IntervalSchema))
    appointments = fields.List(fields.Nested(AppointmentSchema))


class CalendarDaySchema(Schema):
    date = fields.String()
    timezone = fields.String()
    staff = fields.List(fields.Nested(CalendarColumnSchema))


class ClientSearchSchema(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=100))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ClientCardSchema(ClientSchema):
    created_at = fields.String()
