"""The staff calendar: a day of every staff member, a week of one, and the appointment as staff work
it (book, edit its service lines and details, set the visit status, move, cancel, delete). Every
endpoint asks gateway.access which columns the user may see and change."""

from flask.views import MethodView

from gateway import rights
from gateway.access import calendar_required, calendar_scope, scope_of
from gateway.auth import SECURITY, right_required, staff_user
from gateway.calendar_view import calendar_days, week_of
from gateway.deletions import delete_visits
from gateway.errors import Conflict, Forbidden, InvalidInput, NotFound
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import (
    AppointmentChangesSchema,
    AppointmentSchema,
    CalendarDaySchema,
    CalendarQuerySchema,
    CalendarWeekQuerySchema,
    CalendarWeekSchema,
    CancelSchema,
    RescheduleSchema,
    SlotQuerySchema,
    SlotsSchema,
    StaffBookedSchema,
    StaffBookingSchema,
    VisitStatusSchema,
)
from gateway.views import as_built, staff_view

from .widget import IDEMPOTENCY_PARAMETER, find_or_create_client, find_slots, idempotency_key

blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="The staff calendar and appointments")


@blp.route("/calendar")
class CalendarDay(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CalendarQuerySchema, location="query")
    @blp.response(200, CalendarDaySchema)
    @calendar_required
    def get(self, query):
        """One day: a column per active staff member the user may see, with working hours, breaks,
        appointments (with the client's card) and group events (with their seats). The answer is
        sent as the services built it (as the slot search's is): dumping it again costs more."""
        company_id = staff_user().company_id
        period = calendar_days(company_id, calendar_scope(), query["date"], query["date"])
        [day] = period.pop("days")
        return as_built({**period, "date": day["date"], "staff": day["staff"]})


@blp.route("/calendar/week")
class CalendarWeek(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CalendarWeekQuerySchema, location="query")
    @blp.response(200, CalendarWeekSchema)
    @calendar_required
    def get(self, query):
        """Seven days of one staff member, from `date`."""
        scope = calendar_scope()
        scope.require(query["staff_member_id"])
        first, last = week_of(query["date"])
        period = calendar_days(staff_user().company_id, scope, first, last, [query["staff_member_id"]])
        columns = [(day["date"], day["staff"]) for day in period["days"]]
        member = next((staff[0]["staff_member"] for _, staff in columns if staff), None)
        if member is None:
            raise NotFound(f"no active staff member {query['staff_member_id']}")
        days = [{"date": day, **{k: v for k, v in staff[0].items() if k != "staff_member"}} for day, staff in columns]
        return as_built({**period, "date_from": first.isoformat(), "date_to": last.isoformat(),
                         "staff_member": member, "days": days})  # fmt: skip


@blp.route("/slots")
class StaffSlots(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(SlotQuerySchema, location="query")
    @blp.response(200, SlotsSchema)
    @calendar_required
    def get(self, query):
        """Free times for booking by staff: every active staff member, online or not."""
        if query["staff_member_id"]:
            calendar_scope().require(query["staff_member_id"])
        elif not calendar_scope().everyone:
            query = {**query, "staff_member_id": calendar_scope().staff_member_id}
        return as_built(find_slots(staff_user().company_id, query, online=False))


@blp.route("/appointments")
class Appointments(MethodView):
    @blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAMETER])
    @blp.arguments(StaffBookingSchema)
    @blp.response(201, StaffBookedSchema)
    @calendar_required
    def post(self, booking):
        """Book from the calendar, for a known client (client_id) or a new one (client: phone, name, email)."""
        user = staff_user()
        calendar_scope().require(booking["staff_member_id"])
        client = staff_client(user.company_id, booking)
        booked = remote().bookings.create_appointment(
            user.company_id,
            {
                "client_id": client["id"],
                "client": card_snapshot(client),
                "staff_member_ids": [booking["staff_member_id"]],
                "service_ids": booking["service_ids"],
                "starts_at": booking["starts_at"].isoformat(),
                "comment": booking["comment"],
                "source": booking["source"],
                "visit_status": booking["visit_status"],
                "category_id": booking["category_id"],
                "colour": booking["colour"],
                "extra_fields": booking["extra_fields"],
                "length_minutes": booking["length_minutes"],
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
    @calendar_required
    def get(self, appointment_id):
        """The visit window: the appointment with its lines, money, status and the client's card."""
        [appointment] = staff_view(staff_user().company_id, [own_appointment(appointment_id)])
        return appointment

    @blp.doc(security=SECURITY)
    @blp.arguments(AppointmentChangesSchema)
    @blp.response(200, AppointmentSchema)
    @calendar_required
    def patch(self, changes, appointment_id):
        """Edit the service lines (add with a quantity, remove, change price, quantity or discount),
        the length, comment, category, colour or extra fields; one event with the new lines."""
        user = staff_user()
        own_appointment(appointment_id)
        edited = remote().bookings.edit_appointment(user.company_id, appointment_id, {**changes, "actor": user.actor})
        [appointment] = staff_view(user.company_id, [edited])
        return appointment

    @blp.doc(security=SECURITY)
    @blp.response(204)
    @right_required(rights.DELETE_BOOKINGS)
    def delete(self, appointment_id):
        """Delete for good ("Are you sure you want to delete the appointment?"); paid or arrived ones
        need their rights too (paid as the payments service says at that moment: gateway.deletions)."""
        user = staff_user()
        own_appointment(appointment_id)
        deletion = delete_visits(
            user.company_id, [appointment_id], user.actor,
            may_delete_paid=rights.DELETE_PAID_BOOKINGS in user.rights,
            may_delete_arrived=rights.DELETE_ARRIVED_BOOKINGS in user.rights,
        )  # fmt: skip
        for skipped in deletion["skipped"]:
            reason = skipped["reason"]
            raise (Conflict if reason == "already deleted" else Forbidden)(f"not deleted: {reason}")


@blp.route("/appointments/<id:appointment_id>/visit-status")
class VisitStatus(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(VisitStatusSchema)
    @blp.response(200, AppointmentSchema)
    @calendar_required
    def post(self, change, appointment_id):
        """Pending ("Expected"), confirmed, arrived or no-show; who and when are recorded."""
        user = staff_user()
        own_appointment(appointment_id)
        changed = remote().bookings.set_visit_status(user.company_id, appointment_id, {**change, "actor": user.actor})
        [appointment] = staff_view(user.company_id, [changed])
        return appointment


@blp.route("/appointments/<id:appointment_id>/reschedule")
class Reschedule(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    @calendar_required
    def post(self, change, appointment_id):
        """Move an appointment to another time and/or staff member."""
        user = staff_user()
        own_appointment(appointment_id)
        if change["staff_member_id"]:
            calendar_scope().require(change["staff_member_id"])
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
    @calendar_required
    def post(self, cancellation, appointment_id):
        user = staff_user()
        own_appointment(appointment_id)
        cancelled = remote().bookings.cancel_appointment(
            user.company_id, appointment_id, {**cancellation, "actor": user.actor}
        )
        [cancelled] = staff_view(user.company_id, [cancelled])
        return cancelled


def own_appointment(appointment_id: int) -> dict:
    """The appointment, if it is in a column the user may see; 404 otherwise (another salon's too)."""
    appointment = remote().bookings.get_appointment(staff_user().company_id, appointment_id)
    if not _covered(appointment["staff_member_id"]):
        raise NotFound(f"appointment {appointment_id} not found")
    return appointment


def _covered(staff_member_id: int) -> bool:
    return scope_of(staff_user()).covers(staff_member_id)


def staff_client(company_id: int, booking: dict) -> dict:
    """The client staff picked from the base (client_id) or typed in as new (client)."""
    if booking["client_id"]:
        return remote().clients.get_client(company_id, booking["client_id"])
    if booking["client"]:
        return find_or_create_client(remote().companies.get(company_id), booking["client"])
    raise InvalidInput("say who the client is", {"client_id": ["Give client_id or client."]})


def card_snapshot(card: dict) -> dict:
    """The client as a staff booking carries them: from their card."""
    return {"name": card["name"], "phone": card["phone"], "email": card.get("email")}
