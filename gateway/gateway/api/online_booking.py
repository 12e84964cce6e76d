"""Online booking: the salon's settings (admin), what the widget needs of them (public), and
confirming a client's phone with a one-time SMS code."""

import logging
from contextlib import contextmanager

import redis
from flask.views import MethodView

from gateway import rate_limits, rights
from gateway.auth import SECURITY, right_required, staff_user
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
    @right_required(rights.MANAGE_SETTINGS)
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
    @blp.alt_response(429, description="Asked too often, or the salon's daily SMS cap is reached; see Retry-After")
    @rate_limits.limit("phone_codes_per_address", rate_limits.client_address)
    @rate_limits.limit("phone_codes_per_company", rate_limits.company)
    def post(self, asked, company_id):
        """Text a 6-digit code to the client's phone, valid 10 minutes.

        A code the salon cannot send (its daily SMS cap is reached: 429 naming `sms_daily_cap`) is
        withdrawn, and counts against no limit of the phone or the address."""
        company = remote().companies.get(company_id)
        if not remote().scheduling.get_online_booking_rules(company_id)["sms_confirmation"]:
            raise InvalidInput("this salon does not confirm phones by SMS", {"phone": ["No code is needed."]})
        phone = normalised_phone(asked["phone"], company)
        codes, client_address = phone_codes(), rate_limits.client_address()
        try:
            with code_store():
                issued = codes.issue(company_id, phone, client_address)
        except Throttled as throttled:
            raise TooManyRequests(str(throttled), throttled.retry_after, {"name": throttled.limit}) from None
        text = f"{issued.code} is your code to book at {company['name']}. It expires in {issued.expires_in // 60} min."
        try:
            remote().notifications.send_sms(company_id, {"phone": phone, "text": text, "purpose": "phone_code"})
        except (TooManyRequests, InvalidInput):  # refused, so not sent: as if never asked
            withdraw(codes, company_id, phone, client_address)
            raise
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


def withdraw(codes, company_id: int, phone: str, client_address: str) -> None:
    try:
        codes.withdraw(company_id, phone, client_address)
    except redis.RedisError:  # the refusal is what the client needs to hear; the code expires anyway
        log.exception("could not withdraw a phone code that was not sent")


@contextmanager
def code_store():
    """Redis being down is the code store being unavailable: a quick 503, like any service."""
    try:
        yield
    except redis.RedisError:
        log.exception("the phone code store is unreachable")
        raise ServiceUnavailable("phone confirmation is unavailable; try again shortly") from None
