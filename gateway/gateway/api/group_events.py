"""Group events on the calendar (one staff member, one service, several clients) and breaks."""

from flask.views import MethodView

from gateway.access import calendar_required, calendar_scope
from gateway.auth import SECURITY, staff_user
from gateway.errors import InvalidInput
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import (
    AddedBreakSchema,
    BreakSchema,
    CancelSchema,
    GroupEventChangesSchema,
    GroupEventSchema,
    NewGroupEventSchema,
    StaffBookedSchema,
    StaffSeatSchema,
)
from gateway.views import in_local_time, staff_view

from .calendar import card_snapshot, staff_client
from .widget import IDEMPOTENCY_PARAMETER, idempotency_key

blp = Blueprint("group_events", __name__, url_prefix="/api/v1", description="Group events and breaks")


def event_view(company_id: int, answer: dict) -> dict:
    """A group event with its seats, in the salon's local time."""
    timezone = remote().companies.get(company_id)["timezone"]
    return {**in_local_time(answer["group_event"], timezone), "seats": answer["seats"]}


def own_event(event_id: int) -> dict:
    answer = remote().bookings.get_group_event(staff_user().company_id, event_id)
    calendar_scope().require(answer["group_event"]["staff_member_id"])
    return answer


@blp.route("/group-events")
class GroupEvents(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(NewGroupEventSchema)
    @blp.response(201, GroupEventSchema)
    @calendar_required
    def post(self, event):
        """A staff member runs a service for several clients at once; capacity defaults to the
        group service's seats."""
        user = staff_user()
        calendar_scope().require(event["staff_member_id"])
        if event["capacity"] is None:
            service = remote().scheduling.get_service(user.company_id, event["service_id"])
            if not service.get("group_capacity"):
                raise InvalidInput(
                    "how many seats?", {"capacity": ["Give the capacity: the service has no seats set."]}
                )
            event = {**event, "capacity": service["group_capacity"]}
        created = remote().bookings.create_group_event(
            user.company_id, {**event, "starts_at": event["starts_at"].isoformat(), "created_by": user.actor}
        )
        return event_view(user.company_id, created)


@blp.route("/group-events/<id:group_event_id>")
class GroupEvent(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, GroupEventSchema)
    @calendar_required
    def get(self, group_event_id):
        return event_view(staff_user().company_id, own_event(group_event_id))

    @blp.doc(security=SECURITY)
    @blp.arguments(GroupEventChangesSchema)
    @blp.response(200, GroupEventSchema)
    @calendar_required
    def patch(self, changes, group_event_id):
        """Capacity, title, comment, start or length; the seats move with it."""
        user = staff_user()
        own_event(group_event_id)
        if "starts_at" in changes:
            changes = {**changes, "starts_at": changes["starts_at"].isoformat()}
        changed = remote().bookings.change_group_event(
            user.company_id, group_event_id, {**changes, "actor": user.actor}
        )
        return event_view(user.company_id, changed)


@blp.route("/group-events/<id:group_event_id>/cancel")
class CancelGroupEvent(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CancelSchema)
    @blp.response(200, GroupEventSchema)
    @calendar_required
    def post(self, cancellation, group_event_id):
        """Cancel the event and every seat in it; its clients are told."""
        user = staff_user()
        own_event(group_event_id)
        cancelled = remote().bookings.cancel_group_event(
            user.company_id, group_event_id, {**cancellation, "actor": user.actor}
        )
        return event_view(user.company_id, cancelled)


@blp.route("/group-events/<id:group_event_id>/seats")
class Seats(MethodView):
    @blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAMETER])
    @blp.arguments(StaffSeatSchema)
    @blp.response(201, StaffBookedSchema)
    @calendar_required
    def post(self, seat, group_event_id):
        """Add a client, from the base or new; 409 once every seat is taken."""
        user = staff_user()
        own_event(group_event_id)
        client = staff_client(user.company_id, seat)
        booked = remote().bookings.book_seat(
            user.company_id,
            group_event_id,
            {"client_id": client["id"], "client": card_snapshot(client), "source": "admin", "created_by": user.actor,
             "idempotency_key": idempotency_key()},
        )  # fmt: skip
        [appointment] = staff_view(user.company_id, [booked["appointment"]])
        return {**booked, "appointment": appointment}


@blp.route("/group-events/<id:group_event_id>/seats/<id:appointment_id>")
class Seat(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, GroupEventSchema)
    @calendar_required
    def delete(self, group_event_id, appointment_id):
        """Take a client off the event: their seat is cancelled and free again."""
        user = staff_user()
        answer = own_event(group_event_id)
        if appointment_id not in {seat["appointment_id"] for seat in answer["seats"]}:
            raise InvalidInput("not a seat of this event", {"appointment_id": ["Not a seat of this group event."]})
        remote().bookings.cancel_appointment(user.company_id, appointment_id, {"actor": user.actor})
        return event_view(user.company_id, remote().bookings.get_group_event(user.company_id, group_event_id))


@blp.route("/staff/<id:staff_member_id>/breaks")
class Breaks(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(BreakSchema)
    @blp.response(201, AddedBreakSchema)
    @calendar_required
    def post(self, break_, staff_member_id):
        """A break in a staff member's calendar; 409 when it overlaps an appointment, event or break."""
        user = staff_user()
        calendar_scope().require(staff_member_id)
        added = remote().bookings.add_break(
            user.company_id,
            {"staff_member_id": staff_member_id, "starts_at": break_["starts_at"].isoformat(),
             "ends_at": break_["ends_at"].isoformat(), "note": break_["note"], "actor": user.actor},
        )  # fmt: skip
        return in_local_time(added, remote().companies.get(user.company_id)["timezone"])


@blp.route("/breaks/<id:break_id>")
class Break(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(204)
    @calendar_required
    def delete(self, break_id):
        user = staff_user()
        found = remote().bookings.get_break(user.company_id, break_id)
        calendar_scope().require(found["staff_member_id"])
        remote().bookings.remove_break(user.company_id, break_id, user.actor)
