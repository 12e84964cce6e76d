"""Prepayment asked by scheduling's quote, payments recorded by hand, and refunds left to an administrator."""

import pytest
from tests.integration import act as handlers
from tests.integration.test_handlers import SECRET, STAFF_ACTOR, book, events_for

from bookings.models import Appointment
from salon_infra.errors import InvalidInput


def test_the_quote_decides_whether_a_booking_must_be_prepaid(uow, scheduling, company_id):
    scheduling.prepaid = {6}
    assert book(uow, scheduling, company_id, staff=(5,)).appointment.prepayment_required is False
    assert book(uow, scheduling, company_id, staff=(6,)).appointment.prepayment_required is True


def test_payments_add_up_and_never_exceed_the_price(uow, scheduling, company_id):
    appointment = book(uow, scheduling, company_id).appointment  # one service at 2500
    assert appointment.payment_status == "not_paid"
    assert handlers.record_payment(uow, company_id, appointment.id, 1000).payment_status == "partly_paid"
    with pytest.raises(InvalidInput) as refused:
        handlers.record_payment(uow, company_id, appointment.id, 1501)
    assert refused.value.errors == {"amount": ["Only 1500 is still due."]}
    paid = handlers.record_payment(uow, company_id, appointment.id, 1500)
    assert (paid.paid_amount, paid.payment_status) == (2500, "paid")


def test_cancelling_a_paid_booking_marks_it_for_a_manual_refund(uow, scheduling, company_id):
    paid = book(uow, scheduling, company_id).appointment
    handlers.record_payment(uow, company_id, paid.id, 2500)
    unpaid = book(uow, scheduling, company_id, staff=(6,)).appointment
    cancelled = handlers.cancel_appointment(uow, company_id, paid.id, {"kind": "client", "id": 11})
    assert cancelled.refund_status == "manual_refund_required"
    assert cancelled.paid_amount == 2500  # nothing was refunded by itself
    assert handlers.cancel_appointment(uow, company_id, unpaid.id, STAFF_ACTOR).refund_status is None


def test_the_created_event_carries_the_clients_link(uow, scheduling, company_id):
    booked = book(uow, scheduling, company_id)
    [created] = events_for(uow, booked.appointment.id)
    assert created["data"]["link_token"] == booked.link_token
    assert handlers.appointment_by_link(uow, SECRET, created["data"]["link_token"]).id == booked.appointment.id


def test_refunds_are_never_automatic_for_unpaid_bookings(uow, scheduling, company_id):
    appointment = book(uow, scheduling, company_id).appointment
    with uow:
        stored = uow.session.get(Appointment, appointment.id)
        assert stored.refund_status is None and stored.paid_amount == 0
