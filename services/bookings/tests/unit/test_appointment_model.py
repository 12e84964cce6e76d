"""The appointment, group event and break as pure code: their transitions and what they refuse."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.domain.model import (
    Actor,
    Appointment,
    Break,
    GroupEvent,
    LineChange,
    ServiceLine,
    new_appointment,
)
from bookings.domain.pricing import Discount
from bookings.exceptions import AppointmentClosed, NothingToChange
from salon_infra.errors import InvalidInput

TEN = datetime(2027, 5, 3, 10, 0, tzinfo=UTC)
NOW = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
STAFF = Actor("user", 1)
CUT = ServiceLine(11, "Cut", 60, 4500, category_id=100)
COLOUR = ServiceLine(12, "Colour", 90, 9000)
CATALOGUE = {11: CUT, 12: COLOUR, 13: ServiceLine(13, "Wash", 15, 1000)}


def appointment(*lines: ServiceLine, **details) -> Appointment:
    lines = lines or (ServiceLine(11, "Cut", 60, 4500),)
    minutes = sum(line.duration_minutes for line in lines)
    made = new_appointment(
        company_id=1, client_id=2, staff_member_id=3, starts_at=TEN, ends_at=TEN + timedelta(minutes=minutes),
        services=lines, source="admin", created_by=STAFF, now=NOW, **details,
    )  # fmt: skip
    for number, line in enumerate(made.services, start=1):
        line.id = number
    made.id = 99
    return made


def test_a_new_appointment_adds_up_its_lines():
    booked = appointment(ServiceLine(11, "Cut", 60, 4500), ServiceLine(12, "Colour", 90, 9000))
    assert (booked.total_price, booked.due, booked.payment_status) == (13500, 13500, "not_paid")
    assert [line.position for line in booked.services] == [0, 1]


def test_editing_lines_changes_price_quantity_and_discount_and_keeps_the_sum():
    booked = appointment(ServiceLine(11, "Cut", 60, 4500), ServiceLine(12, "Colour", 90, 9000))
    added = booked.edit_services(
        [
            LineChange(id=2, price=8000, discount=Discount(percent=1250)),  # 8000 - 1000
            LineChange(id=1, quantity=2, discount=Discount(amount=500)),  # 9000 - 500
        ],
        CATALOGUE,
    )
    assert added is False  # same lines, other order
    assert [(line.service_id, line.total, line.position) for line in booked.services] == [(12, 7000, 0), (11, 8500, 1)]
    assert booked.total_price == 15500 and booked.discount == 1500
    assert booked.services[0].discount_percent == 1250 and booked.services[1].discount_percent is None


def test_adding_and_removing_lines_and_fitting_the_length():
    booked = appointment()
    assert booked.edit_services([LineChange(id=1), LineChange(service_id=12, quantity=1)], CATALOGUE) is True
    booked.fit_length_to_services()
    assert booked.ends_at == TEN + timedelta(minutes=150) and booked.total_price == 13500
    assert booked.edit_services([LineChange(service_id=13)], CATALOGUE) is True  # both removed, one added
    booked.fit_length_to_services()
    assert [line.title for line in booked.services] == ["Wash"] and booked.ends_at == TEN + timedelta(minutes=15)


def test_a_bad_line_changes_nothing_and_names_its_position_and_field():
    booked = appointment(ServiceLine(11, "Cut", 60, 4500), ServiceLine(12, "Colour", 90, 9000))
    with pytest.raises(InvalidInput) as refused:
        booked.edit_services(
            [LineChange(id=1, price=1), LineChange(id=2, discount=Discount(amount=9001)), LineChange(service_id=77)],
            CATALOGUE,
        )
    assert refused.value.errors == {
        "services": {
            "1": {"discount.amount": ["Must be between 0 and the line's 9000."]},
            "2": {"service_id": ["This staff member does not perform this service."]},
        }
    }
    assert [(line.price, line.total) for line in booked.services] == [(4500, 4500), (9000, 9000)]
    assert booked.total_price == 13500


def test_a_line_listed_twice_or_unknown_is_refused():
    booked = appointment()
    with pytest.raises(InvalidInput, match="twice"):
        booked.edit_services([LineChange(id=1), LineChange(id=1)], CATALOGUE)
    with pytest.raises(InvalidInput) as refused:
        booked.edit_services([LineChange(id=5)], CATALOGUE)
    assert refused.value.errors["services"]["0"] == {"id": ["No such line in this appointment."]}


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**6),
            st.integers(min_value=1, max_value=20),
            st.one_of(st.integers(min_value=0, max_value=100_00).map(lambda p: Discount(percent=p)), st.none()),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_whatever_staff_edit_the_total_is_the_sum_of_the_lines(edits):
    booked = appointment(*(ServiceLine(11, f"Line {n}", 30, 1000) for n in range(len(edits))))
    changes = [
        LineChange(id=n + 1, price=price, quantity=quantity, discount=discount)
        for n, (price, quantity, discount) in enumerate(edits)
    ]
    booked.edit_services(changes, CATALOGUE)
    assert booked.total_price == sum(line.total for line in booked.services)
    assert booked.total_price == sum(line.subtotal for line in booked.services) - booked.discount
    assert all(0 <= line.total <= line.subtotal for line in booked.services)


def test_the_length_is_bounded_and_a_seat_has_its_events():
    booked = appointment()
    booked.change_length(timedelta(minutes=45))
    assert booked.ends_at == TEN + timedelta(minutes=45) and booked.has_own_length
    with pytest.raises(InvalidInput, match="length_minutes"):
        booked.change_length(timedelta(hours=25))
    seat = appointment(group_event_id=5)
    with pytest.raises(InvalidInput, match="group event"):
        seat.change_length(timedelta(minutes=30))


def test_visit_status_records_who_and_when_and_setting_it_again_changes_nothing():
    booked = appointment()
    booked.set_visit_status("arrived", STAFF, NOW)
    assert (booked.visit_status, booked.visit_status_changed_at, booked.visit_status_changed_by) == (
        "arrived", NOW, {"kind": "user", "id": 1},
    )  # fmt: skip
    with pytest.raises(NothingToChange):
        booked.set_visit_status("arrived", STAFF, NOW)
    with pytest.raises(InvalidInput):
        booked.set_visit_status("expected", STAFF, NOW)


def test_a_cancelled_appointment_changes_no_more():
    booked = appointment()
    booked.paid_amount = 1000  # payments' copy: payments itself marks the money to refund
    booked.cancel(STAFF, "ill", NOW)
    assert booked.state == "cancelled" and booked.paid_amount == 1000
    with pytest.raises(NothingToChange):
        booked.cancel(STAFF, None, NOW)
    for change in (
        lambda: booked.set_visit_status("arrived", STAFF, NOW),
        lambda: booked.edit_services([], CATALOGUE),
        lambda: booked.move(3, TEN, TEN + timedelta(hours=1), {}),
        lambda: booked.describe(comment="late"),
    ):
        with pytest.raises(AppointmentClosed):
            change()


def test_what_is_due_counts_what_else_the_bill_sold_and_is_never_negative():
    booked = appointment()
    booked.paid_amount, booked.sales_total = 4500, 1500  # payments' copy: a product sold in the visit
    assert (booked.bill_total, booked.due, booked.payment_status) == (6000, 1500, "partly_paid")
    booked.paid_amount = 6000
    assert booked.payment_status == "paid" and booked.due == 0
    booked.edit_services([LineChange(id=1, price=4000)], CATALOGUE)  # cheaper after paying: nothing due, not negative
    assert booked.due == 0


@pytest.mark.parametrize(
    ("paid", "status", "rights", "problem"),
    [
        (0, "pending", {}, None),
        (100, "pending", {}, "paid"),
        (100, "pending", {"may_delete_paid": True}, None),
        (0, "arrived", {}, "arrived"),
        (0, "arrived", {"may_delete_arrived": True}, None),
    ],
)
def test_who_may_delete_what(paid, status, rights, problem):
    booked = appointment(visit_status=status)
    booked.paid_amount = paid
    found = booked.deletion_problem(**{"may_delete_paid": False, "may_delete_arrived": False, **rights})
    assert (found or "").startswith(problem or "") and (found is None) == (problem is None)
    booked.delete(STAFF, NOW)
    assert booked.deletion_problem(may_delete_paid=True, may_delete_arrived=True) == "already deleted"


def test_describing_sets_and_clears_details():
    booked = appointment()
    booked.describe(comment="Prefers quiet", category_id=4, colour="#ff0000", extra_fields={"allergy": "latex"})
    assert (booked.comment, booked.category_id, booked.colour, booked.extra_fields) == (
        "Prefers quiet", 4, "#ff0000", {"allergy": "latex"},
    )  # fmt: skip
    booked.describe(clear={"colour", "category_id"})
    assert booked.colour is None and booked.category_id is None and booked.comment == "Prefers quiet"


def test_touch_bumps_the_version():
    booked = appointment()
    booked.touch(NOW)
    assert booked.version == 2 and booked.updated_at == NOW


def group_event(capacity=3) -> GroupEvent:
    event = GroupEvent(
        company_id=1, staff_member_id=3, service_id=20, service_title="Yoga", price=1500, starts_at=TEN,
        ends_at=TEN + timedelta(hours=1), capacity=capacity, created_by_kind="user", created_by_id=1, created_at=NOW,
    )  # fmt: skip
    event.id = 7
    return event


def test_a_seat_is_an_appointment_of_the_events_service_time_and_price():
    event = group_event()
    seat = event.seat(client_id=5, source="widget", created_by=Actor("client", 5), now=NOW)
    assert (seat.group_event_id, seat.starts_at, seat.ends_at, seat.staff_member_id) == (7, TEN, event.ends_at, 3)
    assert [(line.title, line.total) for line in seat.services] == [("Yoga", 1500)] and seat.total_price == 1500
    with pytest.raises(AppointmentClosed, match="group event"):
        seat.move(3, TEN, TEN + timedelta(hours=1), {})


def test_an_event_moves_its_seats_and_keeps_capacity_over_the_seats_taken():
    event = group_event()
    seats = [event.seat(client_id=n, source="admin", created_by=STAFF, now=NOW) for n in (5, 6)]
    event.seats_taken = 2
    event.move(TEN + timedelta(hours=2), TEN + timedelta(hours=3), seats)
    assert all(seat.starts_at == TEN + timedelta(hours=2) for seat in seats)
    with pytest.raises(InvalidInput, match="2 seats are taken"):
        event.change(capacity=1)
    with pytest.raises(InvalidInput, match="capacity"):
        group_event(capacity=0)
    event.change(capacity=2, title="Morning yoga")
    assert event.name == "Morning yoga" and event.free_seats == 0


def test_cancelling_an_event_cancels_its_live_seats():
    event = group_event()
    live, gone = (event.seat(client_id=n, source="admin", created_by=STAFF, now=NOW) for n in (5, 6))
    gone.cancel(STAFF, None, NOW)
    assert event.cancel(STAFF, "teacher ill", NOW, [live, gone]) == [live]
    assert live.state == "cancelled" and event.state == "cancelled"
    with pytest.raises(AppointmentClosed):
        event.seat(client_id=9, source="admin", created_by=STAFF, now=NOW)


def test_a_break_is_bounded_and_removed_once():
    with pytest.raises(InvalidInput, match="ends_at"):
        Break(company_id=1, staff_member_id=3, starts_at=TEN, ends_at=TEN, created_by_id=1, created_at=NOW)
    with pytest.raises(InvalidInput, match="31 days"):
        Break(company_id=1, staff_member_id=3, starts_at=TEN, ends_at=TEN + timedelta(days=32), created_by_id=1,
              created_at=NOW)  # fmt: skip
    away = Break(company_id=1, staff_member_id=3, starts_at=TEN, ends_at=TEN + timedelta(minutes=30), created_by_id=1,
                 created_at=NOW)  # fmt: skip
    away.remove(STAFF, NOW)
    assert away.state == "removed" and away.version == 2
    with pytest.raises(NothingToChange):
        away.remove(STAFF, NOW)
