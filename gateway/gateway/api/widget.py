"""The public booking widget's API: a salon's services, staff and free slots, and booking one."""

from datetime import datetime, timedelta

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.errors import Conflict, nest_field_errors
from gateway.errors import InvalidInput as InvalidInputError
from gateway.localtime import local_date, today_in
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
    url_prefix="/api/v1/companies/<int:company_id>",
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
        candidates = (
            [booking["staff_member_id"]]
            if booking["staff_member_id"]
            else free_staff_at(company, booking["service_ids"], booking["starts_at"])
        )
        booked = remote().bookings.create_appointment(
            company_id,
            {
                "client_id": client["id"],
                "staff_member_ids": candidates,
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


def free_staff_at(company: dict, service_ids: list[int], starts_at) -> list[int]:
    """'Any specialist': the staff members the slot search shows free at that moment."""
    day = local_date(starts_at, company["timezone"]).isoformat()
    query = {"service_ids": service_ids, "staff_member_id": None, "date_from": day, "date_to": day, "online": True}
    found = remote().scheduling.find_slots(company["id"], query)
    for day_slots in found["days"]:
        for slot in day_slots["slots"]:
            if _same_instant(slot["start"], starts_at):
                return slot["staff_member_ids"]
    raise Conflict("no specialist is free at that time")


def idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not 1 <= len(key) <= 100:
        raise InvalidInputError("invalid Idempotency-Key header", {IDEMPOTENCY_HEADER: ["Use 1 to 100 characters."]})
    return key


def _same_instant(iso: str, moment: datetime) -> bool:
    return datetime.fromisoformat(iso) == moment
