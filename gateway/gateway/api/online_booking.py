"""Online booking: the salon's settings (admin), what the widget needs of them (public), and
confirming a client's phone with a one-time SMS code."""

import logging
from contextlib import contextmanager

import redis
from flask import request
from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_required, staff_user
from gateway.errors import InvalidInput, ServiceUnavailable, TooManyRequests
from gateway.parsing import Blueprint
from gateway.phone_codes import CodeRefused, Throttled
from gateway.remote import remote
from gateway.schemas import (
    OnlineBookingSettingsSchema,
    PhoneCodeSchema,
    PhoneCodeSentSchema,
    PhoneConfirmedSchema,
    PhoneSchema,
    PublicOnlineBookingSchema,
)

from .widget import normalised_phone, phone_codes

log = logging.getLogger(__name__)

blp = Blueprint(
    "online_booking",
    __name__,
    url_prefix="/api/v1",
    description="Online booking settings, and confirming a client's phone by SMS code",
)


@blp.route("/online-booking-settings")
class OnlineBookingSettings(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, OnlineBookingSettingsSchema)
    @staff_required
    def get(self):
        return remote().scheduling.get_online_booking_settings(staff_user().company_id)

    @blp.doc(security=SECURITY)
    @blp.arguments(OnlineBookingSettingsSchema(partial=True))
    @blp.response(200, OnlineBookingSettingsSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def put(self, changes):
        """Change any of the settings; the rest keep their values."""
        return remote().scheduling.update_online_booking_settings(staff_user().company_id, changes)


@blp.route("/companies/<id:company_id>/online-booking")
class PublicOnlineBooking(MethodView):
    @blp.response(200, PublicOnlineBookingSchema)
    def get(self, company_id):
        """What the widget shows: the steps, the contact fields and their labels, and the SMS step."""
        return remote().scheduling.get_online_booking_rules(company_id)


@blp.route("/companies/<id:company_id>/phone-confirmations")
class PhoneConfirmations(MethodView):
    @blp.arguments(PhoneSchema)
    @blp.response(202, PhoneCodeSentSchema)
    @blp.alt_response(429, description="Asked too often; see the Retry-After header")
    def post(self, asked, company_id):
        """Text a 6-digit code to the client's phone, valid 10 minutes."""
        company = remote().companies.get(company_id)
        if not remote().scheduling.get_online_booking_rules(company_id)["sms_confirmation"]:
            raise InvalidInput("this salon does not confirm phones by SMS", {"phone": ["No code is needed."]})
        phone = normalised_phone(asked["phone"], company)
        try:
            with code_store():
                issued = phone_codes().issue(company_id, phone, request.remote_addr or "unknown")
        except Throttled as throttled:
            raise TooManyRequests(str(throttled), throttled.retry_after) from None
        text = f"{issued.code} is your code to book at {company['name']}. It expires in {issued.expires_in // 60} min."
        remote().notifications.send_sms(company_id, {"phone": phone, "text": text, "purpose": "phone_code"})
        return {"phone": phone, "expires_in": issued.expires_in, "resend_after": issued.resend_after}


@blp.route("/companies/<id:company_id>/phone-confirmations/verify")
class PhoneConfirmation(MethodView):
    @blp.arguments(PhoneCodeSchema)
    @blp.response(200, PhoneConfirmedSchema)
    def post(self, answer, company_id):
        """Check the code; the phone_token it gives goes with the booking."""
        phone = normalised_phone(answer["phone"], remote().companies.get(company_id))
        codes = phone_codes()
        try:
            with code_store():
                token = codes.confirm(company_id, phone, answer["code"])
        except CodeRefused as refused:
            raise InvalidInput(str(refused), {"code": [str(refused)]}) from None
        return {"phone_token": token, "expires_in": codes.limits.token_ttl}


@contextmanager
def code_store():
    """Redis being down is the code store being unavailable: a quick 503, like any service."""
    try:
        yield
    except redis.RedisError:
        log.exception("the phone code store is unreachable")
        raise ServiceUnavailable("phone confirmation is unavailable; try again shortly") from None
