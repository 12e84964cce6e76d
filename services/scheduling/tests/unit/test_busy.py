"""Which of the bookings service's records occupy a staff member's time."""

from datetime import UTC, datetime

import pytest

from scheduling.domain.busy import BusyCopy, appointment_copy, break_copy, group_event_copy

STARTS, ENDS = datetime(2030, 1, 7, 9, tzinfo=UTC), datetime(2030, 1, 7, 10, tzinfo=UTC)


def record(state, **fields):
    return {"id": 5, "staff_member_id": 7, "starts_at": STARTS, "ends_at": ENDS, "version": 3, "state": state, **fields}


@pytest.mark.parametrize(
    ("state", "group_event_id", "busy"),
    [("booked", None, True), ("cancelled", None, False), ("deleted", None, False), ("booked", 40, False)],
)
def test_a_booked_appointment_is_busy_unless_it_is_a_seat_of_a_group_event(state, group_event_id, busy):
    copy = appointment_copy(record(state, group_event_id=group_event_id))
    assert copy == BusyCopy("appointment", 5, 7, STARTS, ENDS, 3, busy)


def test_an_appointment_from_before_group_events_is_no_seat():
    assert appointment_copy(record("booked")).active is True


@pytest.mark.parametrize(("state", "busy"), [("booked", True), ("cancelled", False), ("deleted", False)])
def test_a_booked_group_event_is_busy(state, busy):
    assert group_event_copy(record(state, capacity=8)) == BusyCopy("group_event", 5, 7, STARTS, ENDS, 3, busy)


@pytest.mark.parametrize(("state", "busy"), [("active", True), ("removed", False)])
def test_an_active_break_is_busy(state, busy):
    assert break_copy(record(state)) == BusyCopy("break", 5, 7, STARTS, ENDS, 3, busy)
