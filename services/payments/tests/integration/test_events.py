"""bookings' events on the bill: money carried over from before payments took over, once."""

from payments_api import event, rpc


def test_money_bookings_held_is_carried_over_once_however_often_the_event_comes(uow, bookings, company_id):
    api = rpc(uow, bookings)
    appointment = bookings.book(company_id, 5000)
    carried = event(appointment, "appointment_payments_carried_over", paid_amount=2000, refund_status=None)
    for _ in range(3):
        api.on_payments_carried_over(carried)
    bill = api.get_bill(company_id, appointment["id"])
    assert [(p["method"], p["amount"], p["cash_desk_id"]) for p in bill["payments"]] == [("carried_over", 2000, None)]
    assert (bill["paid"], bill["due"]) == (2000, 3000)
    again = event(appointment, "appointment_payments_carried_over", paid_amount=2000)  # another event id
    api.on_payments_carried_over(again)
    assert api.get_bill(company_id, appointment["id"])["paid"] == 2000


def test_a_cancelled_paid_visit_carried_over_is_marked_for_a_refund(uow, bookings, company_id):
    api = rpc(uow, bookings)
    appointment = bookings.change(company_id, bookings.book(company_id, 5000)["id"], state="cancelled")
    api.on_payments_carried_over(event(appointment, "appointment_payments_carried_over", paid_amount=5000,
                                       refund_status="manual_refund_required"))  # fmt: skip
    bill = api.get_bill(company_id, appointment["id"])
    assert (bill["state"], bill["refund_status"]) == ("cancelled", "manual_refund_required")


def test_malformed_events_are_dropped(uow, bookings, company_id):
    api = rpc(uow, bookings)
    api.on_appointment({"event_id": "x", "company_id": company_id, "data": {"appointment": {"id": "nope"}}})
    api.on_appointment("not even an object")
    api.on_payments_carried_over(event(bookings.book(company_id, 100), "appointment_payments_carried_over"))
    assert bookings.asked == 0
