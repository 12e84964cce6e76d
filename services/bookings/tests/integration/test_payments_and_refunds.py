"""Prepayment asked by scheduling's quote; the copy of each visit's bill that payments' events keep
(paid, and sold beyond the service lines), newest version only; refunds are payments' to mark."""

from tests.integration import act as handlers
from tests.integration.rpc import rpc
from tests.integration.test_handlers import SECRET, STAFF_ACTOR, book, events_for
from tests.integration.test_overview import overview

from bookings.models import Appointment


def test_the_quote_decides_whether_a_booking_must_be_prepaid(uow, scheduling, company_id):
    scheduling.prepaid = {6}
    assert book(uow, scheduling, company_id, staff=(5,)).appointment.prepayment_required is False
    assert book(uow, scheduling, company_id, staff=(6,)).appointment.prepayment_required is True


def bill_changed(company_id, appointment_id, paid, sales_total, version) -> dict:
    """payments' event, as its relay publishes it."""
    bill = {"appointment_id": appointment_id, "company_id": company_id, "services_total": 2500,
            "sales_total": sales_total, "total": 2500 + sales_total, "paid": paid, "due": 0,
            "payment_status": "paid", "refund_status": None, "version": version}  # fmt: skip
    return {"event_id": "e", "event_type": "bill_changed", "company_id": company_id,
            "occurred_at": "2027-01-01T00:00:00+00:00", "data": {"bill": bill}}  # fmt: skip


def test_the_bills_copy_keeps_the_newest_version_and_counts_what_else_was_sold(uow, scheduling, company_id):
    appointment = book(uow, scheduling, company_id).appointment  # one service at 2500
    service = rpc(uow, scheduling)
    service.on_bill_changed(bill_changed(company_id, appointment.id, 2500, 1500, version=3))
    service.on_bill_changed(bill_changed(company_id, appointment.id, 4000, 1500, version=4))
    service.on_bill_changed(bill_changed(company_id, appointment.id, 0, 0, version=2))  # late: ignored
    service.on_bill_changed(bill_changed(company_id, appointment.id, 0, 0, version=4))  # repeated: ignored
    stored = handlers.get_appointment(uow, company_id, appointment.id)
    assert (stored.paid_amount, stored.sales_total, stored.bill_version) == (4000, 1500, 4)
    assert (stored.due, stored.payment_status) == (0, "paid")
    paid = [row["id"] for row in overview(uow, company_id, paid="paid_in_full")["rows"]]
    assert appointment.id in paid
    service.on_bill_changed(bill_changed(company_id, appointment.id, 2500, 1500, version=5))  # a payment deleted
    assert appointment.id not in [row["id"] for row in overview(uow, company_id, paid="paid_in_full")["rows"]]
    assert [e["event_type"] for e in events_for(uow, appointment.id)] == ["appointment_created"]  # no echo


def test_another_companys_bill_and_malformed_events_change_nothing(uow, scheduling, company_id):
    appointment = book(uow, scheduling, company_id).appointment
    service = rpc(uow, scheduling)
    service.on_bill_changed(bill_changed(company_id + 1, appointment.id, 2500, 0, version=2))
    service.on_bill_changed({"company_id": company_id, "data": {"bill": {"appointment_id": appointment.id}}})
    service.on_bill_changed("nonsense")
    assert handlers.get_appointment(uow, company_id, appointment.id).paid_amount == 0


def test_cancelling_a_paid_booking_leaves_the_money_as_it_was(uow, scheduling, company_id):
    paid = book(uow, scheduling, company_id).appointment
    handlers.copy_bill(uow, company_id, paid.id, 2500)
    cancelled = handlers.cancel_appointment(uow, company_id, paid.id, {"kind": "client", "id": 11})
    assert cancelled.paid_amount == 2500  # nothing refunded by itself: payments marks it for an administrator


def test_the_created_event_carries_the_clients_link(uow, scheduling, company_id):
    booked = book(uow, scheduling, company_id)
    [created] = events_for(uow, booked.appointment.id)
    assert created["data"]["link_token"] == booked.link_token
    assert handlers.appointment_by_link(uow, SECRET, created["data"]["link_token"]).id == booked.appointment.id


def test_a_new_booking_has_nothing_paid(uow, scheduling, company_id):
    appointment = book(uow, scheduling, company_id, staff=(6,)).appointment
    handlers.cancel_appointment(uow, company_id, appointment.id, STAFF_ACTOR)
    with uow:
        stored = uow.session.get(Appointment, appointment.id)
        assert (stored.paid_amount, stored.sales_total, stored.bill_version) == (0, 0, 0)
