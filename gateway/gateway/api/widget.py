"""The public booking widget's API: a salon's services, staff and free slots, and booking one."""

from datetime import timedelta

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.errors import InvalidInput as InvalidInputError
from gateway.errors import nest_field_errors
from gateway.localtime import today_in
from gateway.remote import remote
from gateway.schemas import (
    BookedSchema,
    CategorySchema,
    CompanySchema,
    PublicServiceSchema,
    PublicStaffMemberSchema,
    SlotQuerySchema,
    SlotsSchema,
    WidgetBookingSchema,
)
from gateway.views import as_built, public_booking

blp = Blueprint(
    "widget",
    __name__,
    url_prefix="/api/v1/companies/<id:company_id>",
    description="Public endpoints of a salon's booking widget; no sign-in.",
)

DEFAULT_DAYS = 14
IDEMPOTENCY_HEADER = "Idempotency-Key"


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
    @blp.doc(parameters=[{"in": "header", "name": IDEMPOTENCY_HEADER, "schema": {"type": "string"}}])
    def post(self, booking, company_id):
        """Book as a client. Send an Idempotency-Key header so a repeated request books once."""
        company = remote().companies.get(company_id)
        client = find_or_create_client(company, booking["client"])
        booked = remote().bookings.create_appointment(
            company_id,
            {
                "client_id": client["id"],
                # None: any eligible staff member, chosen by bookings (least booked first)
                "staff_member_ids": [booking["staff_member_id"]] if booking["staff_member_id"] else None,
                "service_ids": booking["service_ids"],
                "starts_at": booking["starts_at"].isoformat(),
                "comment": booking["comment"],
                "source": "widget",
                "created_by": {"kind": "client", "id": client["id"]},
                "idempotency_key": idempotency_key(),
            },
        )
        return {**booked, "appointment": public_booking(booked["appointment"], company)}


def find_slots(company_id: int, query: dict, *, online: bool) -> dict:
    first_day = query["date_from"] or today_in(remote().companies.get(company_id)["timezone"])
    last_day = query["date_to"] or first_day + timedelta(days=DEFAULT_DAYS - 1)
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


def idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not 1 <= len(key) <= 100:
        raise InvalidInputError("invalid Idempotency-Key header", {IDEMPOTENCY_HEADER: ["Use 1 to 100 characters."]})
    return key
