"""The staff calendar: one day of every staff member, and booking, moving, cancelling."""

from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.auth import SECURITY, right_required, staff_required, staff_user
from gateway.errors import InvalidInput
from gateway.localtime import day_bounds
from gateway.remote import remote
from gateway.schemas import (
    AppointmentSchema,
    CalendarDaySchema,
    CalendarQuerySchema,
    CancelSchema,
    PaymentSchema,
    RescheduleSchema,
    SlotQuerySchema,
    SlotsSchema,
    StaffBookedSchema,
    StaffBookingSchema,
)
from gateway.views import as_built, staff_view

from .widget import IDEMPOTENCY_HEADER, find_or_create_client, find_slots, idempotency_key

blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="The staff calendar and appointments")


@blp.route("/calendar")
class CalendarDay(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CalendarQuerySchema, location="query")
    @blp.response(200, CalendarDaySchema)
    @staff_required
    def get(self, query):
        """One day: each active staff member's hours, breaks and appointments (with the client)."""
        company_id = staff_user().company_id
        sheet = remote().scheduling.calendar_day(company_id, query["date"].isoformat())
        start, end = day_bounds(query["date"], sheet["timezone"])
        appointments = remote().bookings.list_appointments(
            company_id, {"period_start": start.isoformat(), "period_end": end.isoformat()}
        )
        by_staff: dict[int, list] = {}
        for appointment in staff_view(company_id, appointments):
            by_staff.setdefault(appointment["staff_member_id"], []).append(appointment)
        for column in sheet["staff"]:
            column["appointments"] = by_staff.get(column["staff_member"]["id"], [])
        return sheet


@blp.route("/slots")
class StaffSlots(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(SlotQuerySchema, location="query")
    @blp.response(200, SlotsSchema)
    @staff_required
    def get(self, query):
        """Free times for booking by staff: every active staff member, online or not."""
        return as_built(find_slots(staff_user().company_id, query, online=False))


@blp.route("/appointments")
class Appointments(MethodView):
    @blp.doc(security=SECURITY, parameters=[{"in": "header", "name": IDEMPOTENCY_HEADER, "schema": {"type": "string"}}])
    @blp.arguments(StaffBookingSchema)
    @blp.response(201, StaffBookedSchema)
    @staff_required
    def post(self, booking):
        """Book from the calendar, for a known client (client_id) or a new one (client)."""
        user = staff_user()
        client = _client(user.company_id, booking)
        booked = remote().bookings.create_appointment(
            user.company_id,
            {
                "client_id": client["id"],
                "client": {"name": client["name"], "phone": client["phone"]},
                "staff_member_ids": [booking["staff_member_id"]],
                "service_ids": booking["service_ids"],
                "starts_at": booking["starts_at"].isoformat(),
                "comment": booking["comment"],
                "source": booking["source"],
                "visit_status": booking["visit_status"],
                "booking_category": booking["booking_category"],
                "created_by": user.actor,
                "idempotency_key": idempotency_key(),
            },
        )
        [appointment] = staff_view(user.company_id, [booked["appointment"]])
        return {**booked, "appointment": appointment}


@blp.route("/appointments/<id:appointment_id>")
class Appointment(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, AppointmentSchema)
    @staff_required
    def get(self, appointment_id):
        company_id = staff_user().company_id
        [appointment] = staff_view(company_id, [remote().bookings.get_appointment(company_id, appointment_id)])
        return appointment


@blp.route("/appointments/<id:appointment_id>/reschedule")
class Reschedule(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    @staff_required
    def post(self, change, appointment_id):
        """Move an appointment to another time and/or staff member."""
        user = staff_user()
        change = {**change, "starts_at": change["starts_at"].isoformat(), "actor": user.actor, "source": "admin"}
        [moved] = staff_view(
            user.company_id, [remote().bookings.reschedule_appointment(user.company_id, appointment_id, change)]
        )
        return moved


@blp.route("/appointments/<id:appointment_id>/cancel")
class Cancel(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CancelSchema)
    @blp.response(200, AppointmentSchema)
    @staff_required
    def post(self, cancellation, appointment_id):
        user = staff_user()
        cancelled = remote().bookings.cancel_appointment(
            user.company_id, appointment_id, {**cancellation, "actor": user.actor}
        )
        [cancelled] = staff_view(user.company_id, [cancelled])
        return cancelled


@blp.route("/appointments/<id:appointment_id>/payments")
class Payments(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(PaymentSchema)
    @blp.response(200, AppointmentSchema)
    @right_required("take_payments")
    def post(self, payment, appointment_id):
        """Record money taken for the booking (minor units); it cannot exceed what is still due."""
        company_id = staff_user().company_id
        [paid] = staff_view(company_id, [remote().bookings.record_payment(company_id, appointment_id, payment)])
        return paid


def _client(company_id: int, booking: dict) -> dict:
    if booking["client_id"]:
        return remote().clients.get_client(company_id, booking["client_id"])
    if booking["client"]:
        return find_or_create_client(remote().companies.get(company_id), booking["client"])
    raise InvalidInput("say who the client is", {"client_id": ["Give client_id or client."]})
