"""A client's own booking, reached through the secret link they were given when booking."""

from flask.views import MethodView

from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import PublicBookingSchema, RescheduleSchema
from gateway.views import public_booking

blp = Blueprint(
    "booking_links",
    __name__,
    url_prefix="/api/v1/bookings/<string(maxlength=200):token>",
    description="A client views, reschedules or cancels their booking with its secret link.",
)


def _as_client_sees_it(appointment: dict) -> dict:
    return public_booking(appointment, remote().companies.get(appointment["company_id"]))


@blp.route("")
class BookingByLink(MethodView):
    @blp.response(200, PublicBookingSchema)
    def get(self, token):
        return _as_client_sees_it(remote().bookings.get_appointment_by_link(token))


@blp.route("/reschedule")
class RescheduleByLink(MethodView):
    @blp.arguments(RescheduleSchema(only=("starts_at",)))
    @blp.response(200, PublicBookingSchema)
    def post(self, change, token):
        """Move the booking to another free time with the same staff member."""
        moved = remote().bookings.reschedule_by_link(token, {"starts_at": change["starts_at"].isoformat()})
        return _as_client_sees_it(moved)


@blp.route("/cancel")
class CancelByLink(MethodView):
    @blp.response(200, PublicBookingSchema)
    def post(self, token):
        return _as_client_sees_it(remote().bookings.cancel_by_link(token))
