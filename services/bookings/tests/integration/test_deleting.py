"""Deleting bookings, one or many: for good, within the user's rights, each with its event."""

from datetime import timedelta

import pytest
from tests.integration import act as handlers
from tests.integration.rpc import rpc
from tests.integration.test_handlers import MONDAY_10, STAFF_ACTOR, book, events_for

from bookings.exceptions import AppointmentClosed
from bookings.models import Appointment
from salon_infra.errors import InvalidInput

DELETER = {"kind": "user", "id": 42}


def delete(uow, company_id, appointment_ids, **rights) -> dict:
    command = {"appointment_ids": appointment_ids, "actor": DELETER, **rights}
    return rpc(uow).delete_appointments(company_id, command)


def hourly(uow, scheduling, company_id, count):
    return [
        book(uow, scheduling, company_id, starts_at=MONDAY_10 + timedelta(hours=n)).appointment.id for n in range(count)
    ]


def set_visit_status(uow, appointment_id, status):
    with uow:
        uow.session.get(Appointment, appointment_id).visit_status = status
        uow.commit()


def test_deleted_bookings_leave_the_calendar_and_stay_in_the_overview(uow, scheduling, company_id):
    first, second, kept = hourly(uow, scheduling, company_id, 3)
    assert delete(uow, company_id, [first, second]) == {"deleted": [first, second], "skipped": []}

    calendar = {"period_start": MONDAY_10, "period_end": MONDAY_10 + timedelta(hours=5), "staff_member_ids": None}
    assert [a.id for a in handlers.list_appointments(uow, company_id, {**calendar, "include_cancelled": True})] == [
        kept
    ]
    gone = rpc(uow).get_appointment(company_id, first)
    assert gone["state"] == "deleted" and gone["deleted_by_id"] == 42 and gone["deleted_at"] is not None
    listed = handlers.list_overview(uow, company_id, {"sort": "starts_at", "direction": "asc", "limit": 50})
    assert [(row["id"], row["state"]) for row in listed.rows] == [
        (first, "deleted"),
        (second, "deleted"),
        (kept, "booked"),
    ]
    assert book(uow, scheduling, company_id).appointment.id not in (first, second)  # the time is free again


def test_each_deletion_sends_an_event_with_a_newer_version(uow, scheduling, company_id):
    first, second = hourly(uow, scheduling, company_id, 2)
    delete(uow, company_id, [first, second])
    for appointment_id in (first, second):
        created, deleted = events_for(uow, appointment_id)
        assert (created["event_type"], deleted["event_type"]) == ("appointment_created", "appointment_deleted")
        assert deleted["company_id"] == company_id and set(deleted) == set(created)
        assert deleted["data"]["appointment"]["state"] == "deleted"
        assert deleted["data"]["appointment"]["version"] == created["data"]["appointment"]["version"] + 1


def test_a_deleted_booking_cannot_come_back_or_change(uow, scheduling, company_id):
    [appointment_id] = hourly(uow, scheduling, company_id, 1)
    delete(uow, company_id, [appointment_id])
    assert delete(uow, company_id, [appointment_id]) == {
        "deleted": [],
        "skipped": [{"id": appointment_id, "reason": "already deleted"}],
    }
    assert [e["event_type"] for e in events_for(uow, appointment_id)] == ["appointment_created", "appointment_deleted"]
    with pytest.raises(AppointmentClosed):
        handlers.cancel_appointment(uow, company_id, appointment_id, STAFF_ACTOR)


def test_paid_and_arrived_bookings_need_the_right(uow, scheduling, company_id):
    paid, arrived, plain = hourly(uow, scheduling, company_id, 3)
    handlers.copy_bill(uow, company_id, paid, 100)
    set_visit_status(uow, arrived, "arrived")

    assert delete(uow, company_id, [paid, arrived, plain]) == {
        "deleted": [plain],
        "skipped": [
            {"id": paid, "reason": "paid: you may not delete paid bookings"},
            {"id": arrived, "reason": "arrived: you may not delete bookings whose client has arrived"},
        ],
    }
    assert delete(uow, company_id, [paid, arrived], may_delete_paid=True)["deleted"] == [paid]
    assert delete(uow, company_id, [arrived], may_delete_arrived=True)["deleted"] == [arrived]
    assert [e["event_type"] for e in events_for(uow, paid)][-1] == "appointment_deleted"


def test_unknown_and_other_companies_bookings_are_not_found(uow, scheduling, company_id):
    [mine] = hourly(uow, scheduling, company_id, 1)
    [theirs] = hourly(uow, scheduling, company_id + 1, 1)
    answer = delete(uow, company_id, [theirs, mine, 2**62, mine])
    assert answer == {
        "deleted": [mine],
        "skipped": [{"id": theirs, "reason": "not found"}, {"id": 2**62, "reason": "not found"}],
    }
    assert handlers.get_appointment(uow, company_id + 1, theirs).state == "booked"
    assert events_for(uow, theirs)[-1]["event_type"] == "appointment_created"


def test_cancelled_bookings_may_be_deleted_too(uow, scheduling, company_id):
    [appointment_id] = hourly(uow, scheduling, company_id, 1)
    handlers.cancel_appointment(uow, company_id, appointment_id, STAFF_ACTOR)
    assert delete(uow, company_id, [appointment_id])["deleted"] == [appointment_id]
    assert handlers.get_appointment(uow, company_id, appointment_id).state == "deleted"


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ({"appointment_ids": [], "actor": DELETER}, "appointment_ids"),
        ({"appointment_ids": list(range(1, 502)), "actor": DELETER}, "appointment_ids"),
        ({"appointment_ids": [1], "actor": {"kind": "client", "id": 1}}, "actor"),
        ({"appointment_ids": [1]}, "actor"),
        ({"appointment_ids": [1], "actor": DELETER, "may_delete_paid": "maybe"}, "may_delete_paid"),
    ],
)
def test_bad_delete_commands_name_the_field(uow, company_id, command, field):
    with pytest.raises(InvalidInput) as refused:
        rpc(uow).delete_appointments(company_id, command)
    assert list(refused.value.errors) == [field]


def test_five_hundred_at_once_in_one_transaction(uow, scheduling, company_id):
    booked = [
        book(uow, scheduling, company_id, starts_at=MONDAY_10 + timedelta(minutes=60 * n)).appointment.id
        for n in range(500)
    ]
    assert delete(uow, company_id, booked)["deleted"] == booked
