"""The public booking widget's API: a salon's services, staff and free slots, and booking one."""

from datetime import timedelta

from flask import current_app, request
from flask.views import MethodView

from gateway import rate_limits
from gateway.errors import InvalidInput as InvalidInputError
from gateway.errors import NotFound as NotFoundError
from gateway.errors import nest_field_errors
from gateway.localtime import day_bounds, today_in
from gateway.parsing import Blueprint
from gateway.phone_codes import PhoneCodes
from gateway.remote import remote
from gateway.rpc import one_deadline
from gateway.schemas import (
    BookedSchema,
    CategorySchema,
    CompanySchema,
    GroupEventQuerySchema,
    PublicGroupEventSchema,
    PublicServiceSchema,
    PublicStaffMemberSchema,
    SlotQuerySchema,
    SlotsSchema,
    WidgetBookingSchema,
    WidgetSeatSchema,
)
from gateway.views import as_built, in_local_time, public_booking
from salon_infra.validation import LAST_DAY

blp = Blueprint(
    "widget",
    __name__,
    url_prefix="/api/v1/companies/<id:company_id>",
    description="Public endpoints of a salon's booking widget; no sign-in.",
)

DEFAULT_DAYS = 14
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_HEADER,
    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
}


def widget_booking_limits(view):
    """Online bookings and seats share their limits: per salon, and per client address."""
    view = rate_limits.limit("widget_bookings_per_address", rate_limits.client_address)(view)
    return rate_limits.limit("widget_bookings_per_company", rate_limits.company)(view)


@blp.route("")
class PublicCompany(MethodView):
    @blp.response(200, CompanySchema(only=("id", "name", "timezone", "currency")))
    def get(self, company_id):
        return remote().companies.get(company_id)


@blp.route("/services")
class PublicServices(MethodView):
    @blp.response(200, PublicServiceSchema(many=True))
    def get(self, company_id):
        """Services clients can book online."""
        return remote().scheduling.list_services(company_id, bookable_online=True)


@blp.route("/service-categories")
class PublicCategories(MethodView):
    @blp.response(200, CategorySchema(many=True))
    def get(self, company_id):
        return remote().scheduling.list_service_categories(company_id)


@blp.route("/staff")
class PublicStaff(MethodView):
    @blp.arguments(SlotQuerySchema(only=("service_ids",), partial=True), location="query")
    @blp.response(200, PublicStaffMemberSchema(many=True))
    def get(self, query, company_id):
        """Staff members clients can choose online, optionally only those performing a service."""
        service_ids = query.get("service_ids") or [None]
        return remote().scheduling.list_staff(company_id, service_id=service_ids[0], bookable_online=True)


@blp.route("/slots")
class PublicSlots(MethodView):
    @blp.arguments(SlotQuerySchema, location="query")
    @blp.response(200, SlotsSchema)
    def get(self, query, company_id):
        """Free start times, by day, each with the staff members free then. Omit staff_member_id for any."""
        return as_built(find_slots(company_id, query, online=True))


@blp.route("/bookings")
class PublicBookings(MethodView):
    @blp.arguments(WidgetBookingSchema)
    @blp.response(201, BookedSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    @blp.alt_response(429, description="Too many online bookings at this salon or from this address")
    @widget_booking_limits
    def post(self, booking, company_id):
        """Book as a client. Send an Idempotency-Key header so a repeated request books once.

        The salon's online booking settings apply: required and hidden contact fields, the
        SMS-confirmed phone (phone_token), and every timing and staff rule of the slot search.
        """
        with one_deadline(remote().rpc.timeout):  # a 503 within the RPC timeout, whatever ran before
            return self._book(booking, company_id)

    @staticmethod
    def _book(booking, company_id):
        company = remote().companies.get(company_id)
        booked = remote().bookings.create_appointment(
            company_id,
            {
                **online_client(company, booking),
                # None: any eligible staff member, chosen by bookings (least booked first)
                "staff_member_ids": [booking["staff_member_id"]] if booking["staff_member_id"] else None,
                "service_ids": booking["service_ids"],
                "starts_at": booking["starts_at"].isoformat(),
                "comment": booking["comment"],
                "source": "widget",
                "idempotency_key": idempotency_key(),
            },
        )
        return {**booked, "appointment": public_booking(booked["appointment"], company)}


@blp.route("/group-events")
class PublicGroupEvents(MethodView):
    @blp.arguments(GroupEventQuerySchema, location="query")
    @blp.response(200, PublicGroupEventSchema(many=True))
    def get(self, query, company_id):
        """Group events of services clients can book online that have a free seat and have not started."""
        company = remote().companies.get(company_id)
        online = {s["id"] for s in remote().scheduling.list_services(company_id, bookable_online=True)}
        wanted = [service_id for service_id in query["service_ids"] or online if service_id in online]
        if not wanted:
            return []
        first_day = query["date_from"] or today_in(company["timezone"])
        last_day = query["date_to"] or min(first_day + timedelta(days=DEFAULT_DAYS - 1), LAST_DAY)
        start, end = day_bounds(first_day, company["timezone"])[0], day_bounds(last_day, company["timezone"])[1]
        events = remote().bookings.list_group_events(
            company_id,
            {"period_start": start.isoformat(), "period_end": end.isoformat(), "service_ids": wanted,
             "with_free_seats": True},
        )  # fmt: skip
        return [
            {**in_local_time(event, company["timezone"]),
             "staff_member": remote().staff_member(company_id, event["staff_member_id"])}
            for event in events
        ]  # fmt: skip


@blp.route("/group-events/<id:group_event_id>/seats")
class PublicSeats(MethodView):
    @blp.arguments(WidgetSeatSchema)
    @blp.response(201, BookedSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    @blp.alt_response(429, description="Too many online bookings at this salon or from this address")
    @widget_booking_limits
    def post(self, seat, company_id, group_event_id):
        """Book a seat in a group event as a client; 409 once the last seat has gone."""
        company = remote().companies.get(company_id)
        event = remote().bookings.get_group_event(company_id, group_event_id)["group_event"]
        online = {s["id"] for s in remote().scheduling.list_services(company_id, bookable_online=True)}
        if event["service_id"] not in online or event["state"] != "booked":
            raise NotFoundError(f"group event {group_event_id} not found")
        booked = remote().bookings.book_seat(
            company_id,
            group_event_id,
            {**online_client(company, seat), "comment": seat["comment"], "source": "widget",
             "idempotency_key": idempotency_key()},
        )  # fmt: skip
        return {**booked, "appointment": public_booking(booked["appointment"], company)}


def online_client(company: dict, booking: dict) -> dict:
    """The client as an online booking brings them to the bookings service, which checks the
    salon's contact fields and phone confirmation and only then finds or creates their card."""
    client = booking["client"]
    return {
        "client": {key: client[key] for key in ("name", "phone", "email", "last_name", "middle_name")},
        "online_client": {"phone_token": booking["phone_token"], "device_token": booking["device_token"],
                          "default_region": company["country"]},
    }  # fmt: skip


def find_slots(company_id: int, query: dict, *, online: bool) -> dict:
    first_day = query["date_from"] or today_in(remote().companies.get(company_id)["timezone"])
    last_day = query["date_to"] or min(first_day + timedelta(days=DEFAULT_DAYS - 1), LAST_DAY)
    return remote().scheduling.find_slots(
        company_id,
        {
            "service_ids": query["service_ids"],
            "staff_member_id": query["staff_member_id"],
            "date_from": first_day.isoformat(),
            "date_to": last_day.isoformat(),
            "online": online,
        },
    )


def find_or_create_client(company: dict, client: dict) -> dict:
    try:
        return remote().clients.find_or_create_client(company["id"], client, default_region=company["country"])
    except InvalidInputError as problem:
        raise nest_field_errors(problem, "client") from None


def phone_codes() -> PhoneCodes:
    return current_app.extensions["salon.phone_codes"]


def normalised_phone(phone: str, company: dict, under: str | None = None) -> str:
    """The phone in E.164, as the clients service keys its cards; InvalidInput on phone (nested `under`)."""
    try:
        return remote().clients.normalise_phone(phone, company["country"])
    except InvalidInputError as problem:
        raise (nest_field_errors(problem, under) if under else problem) from None


def idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not 1 <= len(key) <= 100:
        raise InvalidInputError("invalid Idempotency-Key header", {IDEMPOTENCY_HEADER: ["Use 1 to 100 characters."]})
    return key
