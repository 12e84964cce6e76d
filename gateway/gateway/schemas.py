"""Request and response shapes of the HTTP API; they also make the OpenAPI document.

The gateway checks shapes (types, required fields, lengths); the services check the
salon's rules at their own boundary and answer with field errors the gateway passes on.
Fields are salon_infra's bounded ones: whole numbers within 64 bits, text of valid Unicode
without NUL and of bounded length, dates from 2000-01-01 to 2100-12-31.
"""

from marshmallow import Schema, validate

from salon_infra import fields
from salon_infra.validation import MAX_ID

COLOUR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="Use #rrggbb.")
HH_MM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM, 00:00 to 23:59.")
positive_id = validate.Range(min=1, max=MAX_ID)


# ---------------------------------------------------------------- company and users


class CompanySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    timezone = fields.String()
    currency = fields.String()
    country = fields.String()
    slot_step_minutes = fields.Integer()
    last_name_field_enabled = fields.Boolean()
    middle_name_field_enabled = fields.Boolean()


class CompanyFieldsSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(required=True, metadata={"example": "Europe/Berlin"})
    currency = fields.String(required=True, metadata={"example": "EUR"})
    country = fields.String(required=True, metadata={"example": "DE"})
    slot_step_minutes = fields.Integer(metadata={"example": 15})
    last_name_field_enabled = fields.Boolean(metadata={"description": "client cards show a last name field"})
    middle_name_field_enabled = fields.Boolean(metadata={"description": "client cards show a middle name field"})


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


class OwnSlotTimingSchema(Schema):
    """A staff member's or a service's own online slot timing; null inherits the salon's."""

    search_interval_minutes = fields.Integer(allow_none=True, metadata={"example": 15})
    display_interval_minutes = fields.Integer(allow_none=True, metadata={"example": 30})
    search_from = fields.String(allow_none=True, validate=HH_MM, metadata={"example": "10:00"})
    search_until = fields.String(allow_none=True, validate=HH_MM, metadata={"example": "18:00"})
    prepayment = fields.String(validate=validate.OneOf(["none", "required"]))


class StaffMemberSchema(OwnSlotTimingSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position = fields.String(load_default="", validate=validate.Length(max=200))
    active = fields.Boolean(load_default=True)
    bookable_online = fields.Boolean(load_default=True)
    in_any_specialist_pool = fields.Boolean(metadata={"description": '"Skip choosing specialist": in the any pool'})
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


class ServiceSchema(OwnSlotTimingSchema):
    id = fields.Integer(dump_only=True)
    category_id = fields.Integer(load_default=None, allow_none=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration_minutes = fields.Integer(required=True)
    price_min = fields.Integer(required=True, metadata={"description": "minor units, e.g. cents"})
    price_max = fields.Integer(required=True, metadata={"description": "minor units, e.g. cents"})
    active = fields.Boolean(load_default=True)
    bookable_online = fields.Boolean(load_default=True)
    group_capacity = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=500),
        metadata={"description": "a group service: the seats of its events; null for an individual service"},
    )  # fmt: skip
    staff = fields.List(fields.Nested(ServiceStaffSchema), load_default=list)


class PublicServiceSchema(Schema):
    id = fields.Integer()
    category_id = fields.Integer(allow_none=True)
    title = fields.String()
    duration_minutes = fields.Integer()
    price_min = fields.Integer()
    price_max = fields.Integer()
    group_capacity = fields.Integer(allow_none=True, metadata={"description": "set for a group service"})
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
    date = fields.String(dump_only=True, metadata={"format": "date"})


class BreakSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class AddedBreakSchema(Schema):
    id = fields.Integer()
    staff_member_id = fields.Integer()
    starts_at = fields.String()
    ends_at = fields.String()
    note = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "active or removed"})


class WorkingHoursSchema(Schema):
    staff_member_id = fields.Integer()
    weekly = fields.List(fields.Nested(WeekdayPlanSchema))
    overrides = fields.List(fields.Nested(DateOverrideSchema))


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
    last_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    middle_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ClientSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    last_name = fields.String(allow_none=True)
    middle_name = fields.String(allow_none=True)
    phone = fields.String()
    email = fields.String(allow_none=True)


class ServiceLineSchema(Schema):
    id = fields.Integer()
    service_id = fields.Integer()
    title = fields.String()
    duration_minutes = fields.Integer()
    price = fields.Integer(metadata={"description": "of one, minor units"})
    quantity = fields.Integer()
    discount = fields.Integer(metadata={"description": "minor units off the line"})
    discount_percent = fields.Float(allow_none=True, metadata={"description": "the percent entered, if it is one"})
    subtotal = fields.Integer()
    total = fields.Integer()
    category_id = fields.Integer(allow_none=True)


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
    total_price = fields.Integer(metadata={"description": "the lines' totals added up"})
    discount = fields.Integer()
    due = fields.Integer(metadata={"description": "what is still to pay"})
    category_id = fields.Integer(allow_none=True)
    colour = fields.String(allow_none=True)
    extra_fields = fields.Dict()
    group_event_id = fields.Integer(allow_none=True, metadata={"description": "a seat of this group event"})
    comment = fields.String()
    source = fields.String()
    created_by = fields.Nested(ActorSchema)
    visit_status = fields.String()
    visit_status_changed_at = fields.String(allow_none=True)
    visit_status_changed_by = fields.Nested(ActorSchema, allow_none=True)
    state = fields.String()
    cancelled_at = fields.String(allow_none=True)
    cancelled_by = fields.Nested(ActorSchema, allow_none=True)
    prepayment_required = fields.Boolean()
    paid_amount = fields.Integer(metadata={"description": "minor units"})
    payment_status = fields.String(metadata={"description": "not_paid, partly_paid or paid"})
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
    phone_token = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=500),
        metadata={"description": "from /phone-confirmations/verify, when the salon confirms phones by SMS"},
    )  # fmt: skip
    device_token = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=8, max=200),
        metadata={"description": "this device, remembered for push confirmations where the salon allows"},
    )  # fmt: skip


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
    category_id = fields.Integer(load_default=None, allow_none=True, validate=positive_id)
    colour = fields.String(load_default=None, allow_none=True, validate=COLOUR)
    extra_fields = fields.Dict(keys=fields.String(validate=validate.Length(max=50)), load_default=dict)
    length_minutes = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=24 * 60),
        metadata={"description": "default: what the services take"},
    )  # fmt: skip


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
    prepayment_required = fields.Boolean()
    payment_status = fields.String()
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


class CalendarWeekQuerySchema(Schema):
    date = fields.Date(required=True, metadata={"description": "the first of the 7 days"})
    staff_member_id = fields.Integer(required=True, validate=positive_id)


class IntervalSchema(Schema):
    start = fields.String()
    end = fields.String()
    id = fields.Integer(allow_none=True, metadata={"description": "a break from the calendar; null: working hours"})
    note = fields.String(allow_none=True)


class SeatSchema(Schema):
    appointment_id = fields.Integer()
    client_id = fields.Integer()
    client_name = fields.String(allow_none=True)
    client_phone = fields.String(allow_none=True)
    visit_status = fields.String()
    paid_amount = fields.Integer()
    total_price = fields.Integer()


class GroupEventSchema(Schema):
    id = fields.Integer()
    staff_member_id = fields.Integer()
    service_id = fields.Integer()
    service_title = fields.String()
    title = fields.String(allow_none=True)
    name = fields.String(metadata={"description": "the title, else the service's"})
    price = fields.Integer(metadata={"description": "of a seat, minor units"})
    category_id = fields.Integer(allow_none=True)
    comment = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()
    capacity = fields.Integer()
    seats_taken = fields.Integer()
    free_seats = fields.Integer()
    state = fields.String()
    version = fields.Integer()
    seats = fields.List(fields.Nested(SeatSchema))


class PublicGroupEventSchema(Schema):
    """A group event as the widget shows it: when, what, who, and how many seats are free."""

    id = fields.Integer()
    service_id = fields.Integer()
    name = fields.String()
    price = fields.Integer()
    starts_at = fields.String()
    ends_at = fields.String()
    free_seats = fields.Integer()
    staff_member = fields.Nested(PublicStaffMemberSchema(only=("id", "name", "position")))


class CalendarAppointmentSchema(Schema):
    """An appointment's block: the client as booked; GET /appointments/{id} has the whole visit."""

    id = fields.Integer()
    client = fields.Nested(ClientSchema(only=("id", "name", "phone")))
    client_id = fields.Integer()
    staff_member_id = fields.Integer()
    starts_at = fields.String()
    ends_at = fields.String()
    services = fields.List(fields.Nested(ServiceLineSchema(exclude=("subtotal", "discount_percent", "category_id"))))
    category_id = fields.Integer(allow_none=True)
    colour = fields.String(allow_none=True)
    extra_fields = fields.Dict()
    group_event_id = fields.Integer(allow_none=True)
    total_price = fields.Integer()
    discount = fields.Integer()
    due = fields.Integer()
    paid_amount = fields.Integer()
    payment_status = fields.String()
    comment = fields.String()
    source = fields.String()
    created_by = fields.Nested(ActorSchema)
    visit_status = fields.String()
    state = fields.String()
    version = fields.Integer()


class CalendarColumnSchema(Schema):
    staff_member = fields.Nested(StaffMemberSchema)
    working = fields.List(fields.Nested(IntervalSchema))
    breaks = fields.List(fields.Nested(IntervalSchema))
    appointments = fields.List(fields.Nested(CalendarAppointmentSchema))
    group_events = fields.List(fields.Nested(GroupEventSchema))


class CalendarDaySchema(Schema):
    date = fields.String()
    timezone = fields.String()
    currency = fields.String()
    slot_step_minutes = fields.Integer()
    staff = fields.List(fields.Nested(CalendarColumnSchema))


class CalendarWeekDaySchema(CalendarColumnSchema):
    date = fields.String()

    class Meta:
        exclude = ("staff_member",)


class CalendarWeekSchema(Schema):
    date_from = fields.String()
    date_to = fields.String()
    timezone = fields.String()
    currency = fields.String()
    slot_step_minutes = fields.Integer()
    staff_member = fields.Nested(StaffMemberSchema)
    days = fields.List(fields.Nested(CalendarWeekDaySchema))


class DiscountSchema(Schema):
    amount = fields.Integer(validate=validate.Range(min=0), metadata={"description": "minor units"})
    percent = fields.Float(validate=validate.Range(min=0, max=100), metadata={"description": "at most two decimals"})


class LineChangeSchema(Schema):
    id = fields.Integer(validate=positive_id, metadata={"description": "a line the appointment keeps"})
    service_id = fields.Integer(validate=positive_id, metadata={"description": "a new line of this service"})
    quantity = fields.Integer(validate=validate.Range(min=1, max=1000))
    price = fields.Integer(validate=validate.Range(min=0), metadata={"description": "of one, minor units"})
    discount = fields.Nested(DiscountSchema)


class AppointmentChangesSchema(Schema):
    """Only what is given changes. `services` lists every line the appointment keeps, in order:
    an existing line by id (with any new price, quantity or discount), a new one by service_id."""

    services = fields.List(fields.Nested(LineChangeSchema), validate=validate.Length(max=20))
    length_minutes = fields.Integer(validate=validate.Range(min=1, max=24 * 60))
    comment = fields.String(validate=validate.Length(max=1000))
    category_id = fields.Integer(allow_none=True, validate=positive_id)
    colour = fields.String(allow_none=True, validate=COLOUR)
    extra_fields = fields.Dict(keys=fields.String(validate=validate.Length(max=50)))
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "refused if it has changed"})


class VisitStatusSchema(Schema):
    visit_status = fields.String(
        required=True, validate=validate.OneOf(["pending", "confirmed", "arrived", "no_show"]),
        metadata={"description": 'pending is the seed\'s "Expected"'},
    )  # fmt: skip


class NewGroupEventSchema(Schema):
    staff_member_id = fields.Integer(required=True, validate=positive_id)
    service_id = fields.Integer(required=True, validate=positive_id)
    starts_at = fields.AwareDateTime(required=True)
    length_minutes = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=24 * 60))
    capacity = fields.Integer(load_default=None, validate=validate.Range(min=1, max=500),
                              metadata={"description": "default: the service's group_capacity"})  # fmt: skip
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    category_id = fields.Integer(load_default=None, allow_none=True, validate=positive_id)


class GroupEventChangesSchema(Schema):
    starts_at = fields.AwareDateTime()
    length_minutes = fields.Integer(validate=validate.Range(min=1, max=24 * 60))
    capacity = fields.Integer(validate=validate.Range(min=1, max=500))
    title = fields.String(allow_none=True, validate=validate.Length(min=1, max=200))
    comment = fields.String(validate=validate.Length(max=1000))


class StaffSeatSchema(Schema):
    client_id = fields.Integer(load_default=None, validate=positive_id)
    client = fields.Nested(ClientFieldsSchema, load_default=None)


class GroupEventQuerySchema(Schema):
    service_ids = fields.List(fields.Integer(validate=positive_id), data_key="service_id", load_default=None,
                              validate=validate.Length(max=10))  # fmt: skip
    date_from = fields.Date(load_default=None, metadata={"description": "default: today in the salon's time zone"})
    date_to = fields.Date(load_default=None, metadata={"description": "default: date_from + 13 days"})


class WidgetSeatSchema(WidgetBookingSchema):
    class Meta:
        exclude = ("service_ids", "staff_member_id", "starts_at")


class AppointmentCategorySchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=100),
                          metadata={"example": "Team member is important"})  # fmt: skip
    colour = fields.String(required=True, validate=COLOUR, metadata={"example": "#d9534f"})


class ExtraFieldSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={"example": "car_number"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.OneOf(["text", "number", "select", "date"]))
    required = fields.Boolean(load_default=False)
    options = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "a select field's choices"},
    )


class ClientSearchSchema(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=100))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ClientCardSchema(ClientSchema):
    created_at = fields.String()


# ---------------------------------------------------------------- online booking settings

FIELD_MODE = validate.OneOf(["optional", "required", "hidden"])


class OnlineBookingSettingsSchema(Schema):
    """Every setting the salon uses to control online booking (PUT takes any subset)."""

    search_interval_minutes = fields.Integer(metadata={"description": "the step the slot search tries"})
    display_interval_minutes = fields.Integer(
        allow_none=True, metadata={"description": "at most one offered start per this many minutes"}
    )
    search_from = fields.String(validate=HH_MM, metadata={"example": "09:00"})
    search_until = fields.String(validate=HH_MM, metadata={"example": "20:00"})
    buffer_minutes = fields.Integer(metadata={"description": "no online booking starts sooner after now"})
    change_cutoff_minutes = fields.Integer(
        metadata={"description": "clients may reschedule or cancel online until this long before; 15-minute steps"}
    )
    comment_field = fields.String(validate=FIELD_MODE)
    comment_label = fields.String(validate=validate.Length(min=1, max=60))
    email_field = fields.String(validate=FIELD_MODE)
    last_name_field = fields.String(validate=FIELD_MODE)
    middle_name_field = fields.String(validate=FIELD_MODE)
    contact_step_message = fields.String(validate=validate.Length(max=1000))
    any_specialist = fields.Boolean()
    online_staff_member_id = fields.Integer(allow_none=True, validate=positive_id)
    sms_confirmation = fields.Boolean()
    push_confirmation = fields.Boolean()
    push_requires_login = fields.Boolean()
    online_payment = fields.Boolean()
    last_name_field_enabled = fields.Boolean(dump_only=True)
    middle_name_field_enabled = fields.Boolean(dump_only=True)


class ContactFieldSchema(Schema):
    mode = fields.String()
    label = fields.String()


class PublicOnlineBookingSchema(Schema):
    any_specialist = fields.Boolean()
    staff_member_id = fields.Integer(allow_none=True)
    fields_ = fields.Dict(
        keys=fields.String(), values=fields.Nested(ContactFieldSchema), attribute="fields", data_key="fields"
    )
    contact_step_message = fields.String()
    sms_confirmation = fields.Boolean()
    push_confirmation = fields.Boolean()
    remember_device = fields.Boolean()
    change_cutoff_minutes = fields.Integer()


class PhoneSchema(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=3, max=40))


class PhoneCodeSentSchema(Schema):
    phone = fields.String()
    expires_in = fields.Integer()
    resend_after = fields.Integer()


class PhoneCodeSchema(PhoneSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="Enter the 6 digits."))


class PhoneConfirmedSchema(Schema):
    phone_token = fields.String()
    expires_in = fields.Integer()


class MessageQuerySchema(Schema):
    channel = fields.String(load_default=None, validate=validate.OneOf(["sms", "email"]))
    recipient = fields.String(load_default=None, validate=validate.Length(max=254))
    purpose = fields.String(load_default=None, validate=validate.Length(max=50))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class MessageSchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    recipient = fields.String()
    subject = fields.String(allow_none=True)
    body = fields.String()
    purpose = fields.String()
    status = fields.String()
    error = fields.String(allow_none=True)
    created_at = fields.String()
    sent_at = fields.String(allow_none=True)


class ChannelUsageSchema(Schema):
    sent = fields.Integer(metadata={"description": "messages of this channel counted today"})
    cap = fields.Integer(metadata={"description": "the salon's daily cap (SMS_DAILY_CAP / EMAIL_DAILY_CAP)"})
    remaining = fields.Integer()


class NotificationUsageSchema(Schema):
    day = fields.String(metadata={"description": "the day counted (YYYY-MM-DD, UTC)"})
    resets_at = fields.String(metadata={"description": "when the counts start again, in the salon's offset"})
    sms = fields.Nested(ChannelUsageSchema)
    email = fields.Nested(ChannelUsageSchema)


# ---------------------------------------------------------------- users, roles and rights


class UserAccountSchema(UserSchema):
    role_id = fields.Integer()
    rights = fields.List(fields.String(), metadata={"description": "the named rights of the user's role"})
    active = fields.Boolean()


class UserSessionSchema(SessionSchema):
    user = fields.Nested(UserAccountSchema)


class SignedUpOwnerSchema(SignedUpSchema):
    user = fields.Nested(UserAccountSchema)


class RightSchema(Schema):
    name = fields.String(metadata={"example": "export_data"})
    description = fields.String()


class RoleSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    built_in = fields.Boolean(dump_only=True)
    rights = fields.List(
        fields.String(), required=True, validate=validate.Length(max=50), metadata={"example": ["take_payments"]}
    )


class NewUserSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))
    role_id = fields.Integer(required=True, validate=positive_id)
    staff_member_id = fields.Integer(load_default=None, allow_none=True, validate=positive_id)


class UserChangesSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    role_id = fields.Integer(validate=positive_id)
    active = fields.Boolean()
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))
    staff_member_id = fields.Integer(allow_none=True, validate=positive_id)


# ---------------------------------------------------------------- overview, delete, export, import, data log


class OverviewQuerySchema(Schema):
    """Overview > Bookings filters; dates are the salon's local days, ranges include both ends."""

    created_from = fields.Date(load_default=None)
    created_to = fields.Date(load_default=None)
    visit_from = fields.Date(load_default=None)
    visit_to = fields.Date(load_default=None)
    staff_member_ids = fields.List(fields.Integer(validate=positive_id), data_key="staff_member_id", load_default=list)
    created_by_user_id = fields.Integer(load_default=None, validate=positive_id)
    cancelled = fields.String(load_default="all", validate=validate.OneOf(["all", "cancelled", "not_cancelled"]))
    visit_statuses = fields.List(
        fields.String(validate=validate.OneOf(["pending", "confirmed", "arrived", "no_show"])),
        data_key="visit_status",
        load_default=list,
    )
    client = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    service_category_ids = fields.List(
        fields.Integer(validate=positive_id), data_key="service_category_id", load_default=list
    )
    category_ids = fields.List(
        fields.Integer(validate=positive_id), data_key="category_id", load_default=list,
        metadata={"description": "the salon's appointment categories (/appointment-categories)"},
    )  # fmt: skip
    source = fields.String(load_default="all", validate=validate.OneOf(["all", "online", "offline"]))
    paid = fields.String(load_default="all", validate=validate.OneOf(["all", "paid_in_full", "not_paid_in_full"]))
    services = fields.String(load_default="all", validate=validate.OneOf(["all", "with", "without"]))
    sort = fields.String(load_default="created_at", validate=validate.OneOf(["created_at", "starts_at"]))
    order = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=500))


class NamedSchema(Schema):
    id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)


class CreatorSchema(NamedSchema):
    kind = fields.String()


class OverviewClientSchema(NamedSchema):
    phone = fields.String(allow_none=True)


class OverviewRowSchema(Schema):
    id = fields.Integer()
    created_at = fields.String()
    created_by = fields.Nested(CreatorSchema)
    source = fields.String()
    staff_member = fields.Nested(NamedSchema)
    services = fields.List(fields.Nested(ServiceLineSchema(only=("service_id", "title", "price", "quantity",
                                                                 "discount", "total"))))  # fmt: skip
    client = fields.Nested(OverviewClientSchema)
    starts_at = fields.String()
    ends_at = fields.String()
    visit_status = fields.String()
    payment_status = fields.String()
    paid_amount = fields.Integer()
    total_price = fields.Integer()
    discount = fields.Integer()
    state = fields.String()
    deleted_at = fields.String(allow_none=True)
    deleted_by = fields.Nested(NamedSchema, allow_none=True)
    cancelled_at = fields.String(allow_none=True)
    category = fields.Nested(AppointmentCategorySchema, allow_none=True)
    group_event_id = fields.Integer(allow_none=True)
    comment = fields.String()


class OverviewPageSchema(Schema):
    rows = fields.List(fields.Nested(OverviewRowSchema))
    next_cursor = fields.String(allow_none=True)
    currency = fields.String()
    timezone = fields.String()


class DeleteBookingsSchema(Schema):
    appointment_ids = fields.List(
        fields.Integer(validate=positive_id), required=True, validate=validate.Length(min=1, max=500)
    )


class SkippedSchema(Schema):
    id = fields.Integer()
    reason = fields.String()


class DeletionSchema(Schema):
    deleted = fields.List(fields.Integer())
    skipped = fields.List(fields.Nested(SkippedSchema))


class ExportRequestSchema(OverviewQuerySchema):
    class Meta:
        exclude = ("sort", "order", "limit", "cursor")


class JobSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    dry_run = fields.Boolean()
    file_name = fields.String(allow_none=True)
    report = fields.Dict(allow_none=True)
    error = fields.String(allow_none=True)
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)


class JobQuerySchema(Schema):
    kind = fields.String(load_default=None, validate=validate.Length(max=30))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class DataLogEntrySchema(Schema):
    id = fields.Integer()
    user = fields.Nested(NamedSchema)
    action = fields.String()
    job_id = fields.Integer(allow_none=True)
    details = fields.Dict(allow_none=True)
    created_at = fields.String()


class DataLogQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    before_id = fields.Integer(load_default=None, validate=positive_id)


class ImportFormSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["bookings", "services", "clients"]))
    dry_run = fields.Boolean(load_default=False)
