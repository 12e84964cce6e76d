import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from tests.integration import act as handlers

from bookings.exceptions import AppointmentClosed, LinkExpired, SlotTaken
from bookings.models import Appointment
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound
from salon_infra.outbox import outbox_table

SECRET = "test-secret"
MONDAY_10 = datetime(2027, 5, 3, 10, 0, tzinfo=UTC)
STAFF_ACTOR = {"kind": "user", "id": 1}


def booking(staff=(5,), services=(1,), starts_at=MONDAY_10, key=None, client_id=11, source="admin"):
    return {
        "client_id": client_id,
        "staff_member_ids": None if staff is None else list(staff),
        "service_ids": list(services),
        "starts_at": starts_at,
        "comment": "",
        "source": source,
        "created_by": STAFF_ACTOR,
        "idempotency_key": key,
        "visit_status": "pending",
    }


def book(uow, scheduling, company_id, **kwargs):
    return handlers.create_appointment(uow, scheduling.quote_appointment, SECRET, company_id, booking(**kwargs))


def events_for(uow, appointment_id):
    with uow:
        bodies = uow.session.scalars(select(outbox_table.c.body).order_by(outbox_table.c.id)).all()
    messages = [json.loads(body) for body in bodies]
    return [m for m in messages if m["data"].get("appointment", {}).get("id") == appointment_id]


def test_a_booking_is_stored_with_its_services_and_an_event(uow, scheduling, company_id):
    booked = book(uow, scheduling, company_id, services=(1, 2))
    appointment = booked.appointment
    assert (appointment.starts_at, appointment.ends_at) == (MONDAY_10, MONDAY_10 + timedelta(minutes=90))
    assert [line.service_id for line in appointment.services] == [1, 2] and appointment.total_price == 5000
    assert booked.replayed is False and booked.link_token.startswith(f"{company_id}-{appointment.id}-")
    [event] = events_for(uow, appointment.id)
    assert event["event_type"] == "appointment_created" and event["company_id"] == company_id
    assert event["data"]["appointment"]["state"] == "booked" and event["data"]["appointment"]["version"] == 1
    assert scheduling.queries[0]["enforce_working_hours"] is False  # an admin may book outside hours


def test_online_bookings_ask_for_working_hours_to_be_enforced(uow, scheduling, company_id):
    book(uow, scheduling, company_id, source="widget")
    assert scheduling.queries[0]["enforce_working_hours"] is True and scheduling.queries[0]["online"] is True


@pytest.mark.parametrize(
    ("services", "starts_at"),
    [
        ((2,), MONDAY_10 + timedelta(minutes=30)),  # 30 min inside the hour
        ((3,), MONDAY_10 - timedelta(minutes=60)),  # 90 min from 09:00 reaches into it
        ((1, 3), MONDAY_10 - timedelta(minutes=30)),  # 150 min covering it
        ((2,), MONDAY_10),  # same start, shorter
    ],
)
def test_overlapping_bookings_of_other_lengths_are_refused(uow, scheduling, company_id, services, starts_at):
    book(uow, scheduling, company_id, services=(1,))
    with pytest.raises(SlotTaken):
        book(uow, scheduling, company_id, services=services, starts_at=starts_at)


def test_back_to_back_and_other_staff_are_fine(uow, scheduling, company_id):
    book(uow, scheduling, company_id)
    book(uow, scheduling, company_id, starts_at=MONDAY_10 + timedelta(hours=1))
    book(uow, scheduling, company_id, starts_at=MONDAY_10 - timedelta(hours=1))
    book(uow, scheduling, company_id, staff=(6,))
    book(uow, scheduling, company_id + 1)  # another salon's staff member 5 is another person's schedule


def test_a_cancelled_booking_frees_its_time(uow, scheduling, company_id):
    first = book(uow, scheduling, company_id).appointment
    handlers.cancel_appointment(uow, company_id, first.id, STAFF_ACTOR)
    assert book(uow, scheduling, company_id).appointment.id != first.id


def test_fifty_concurrent_bookings_of_one_slot_make_one_appointment(sessions, scheduling, company_id):
    def attempt(n):
        try:
            return book(UnitOfWork(sessions), scheduling, company_id, client_id=100 + n, key=f"k{n}").appointment.id
        except SlotTaken:
            return "taken"

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(attempt, range(50)))
    assert results.count("taken") == 49
    with UnitOfWork(sessions) as uow:
        live = uow.session.scalars(select(Appointment).where(Appointment.company_id == company_id)).all()
    assert len(live) == 1


def test_the_same_idempotency_key_books_once(uow, sessions, scheduling, company_id):
    first = book(uow, scheduling, company_id, key="double-click")
    again = book(uow, scheduling, company_id, key="double-click")
    assert again.replayed and again.appointment.id == first.appointment.id and again.link_token == first.link_token
    with pytest.raises(InvalidInput) as problem:
        book(uow, scheduling, company_id, key="double-click", starts_at=MONDAY_10 + timedelta(hours=3))
    assert list(problem.value.errors) == ["idempotency_key"]


def test_concurrent_requests_with_one_key_book_once(sessions, scheduling, company_id):
    def attempt(_):
        return book(UnitOfWork(sessions), scheduling, company_id, key="racing-key").appointment.id

    with ThreadPoolExecutor(10) as pool:
        assert len(set(pool.map(attempt, range(10)))) == 1


def test_any_specialist_takes_a_free_one_least_booked_first(uow, scheduling, company_id):
    book(uow, scheduling, company_id, staff=(5,), starts_at=MONDAY_10 - timedelta(hours=2))
    assert book(uow, scheduling, company_id, staff=(5, 6)).appointment.staff_member_id == 6
    assert book(uow, scheduling, company_id, staff=(5, 6)).appointment.staff_member_id == 5  # 6 is now taken
    with pytest.raises(SlotTaken):
        book(uow, scheduling, company_id, staff=(5, 6))


def test_nobody_able_to_take_it_is_invalid_input(uow, scheduling, company_id):
    scheduling.off_duty = {5}
    with pytest.raises(InvalidInput) as problem:
        book(uow, scheduling, company_id)
    assert problem.value.errors == {"staff_member_ids": ["staff member 5: outside working hours"]}


def test_reschedule_moves_it_and_keeps_the_rule(uow, scheduling, company_id):
    mine = book(uow, scheduling, company_id).appointment
    other = book(uow, scheduling, company_id, starts_at=MONDAY_10 + timedelta(hours=2)).appointment
    change = {
        "starts_at": MONDAY_10 + timedelta(minutes=30),
        "staff_member_id": None,
        "actor": STAFF_ACTOR,
        "source": "admin",
    }
    moved = handlers.reschedule_appointment(uow, scheduling.quote_appointment, SECRET, company_id, mine.id, change)
    assert moved.starts_at == MONDAY_10 + timedelta(minutes=30) and moved.version == 2

    change["starts_at"] = MONDAY_10 + timedelta(hours=1, minutes=30)
    with pytest.raises(SlotTaken):
        handlers.reschedule_appointment(uow, scheduling.quote_appointment, SECRET, company_id, mine.id, change)
    assert handlers.get_appointment(uow, company_id, mine.id).starts_at == MONDAY_10 + timedelta(minutes=30)
    assert [e["event_type"] for e in events_for(uow, mine.id)] == ["appointment_created", "appointment_rescheduled"]
    assert handlers.get_appointment(uow, company_id, other.id).version == 1


def test_cancel_is_recorded_once_and_closes_the_booking(uow, scheduling, company_id):
    appointment = book(uow, scheduling, company_id).appointment
    handlers.cancel_appointment(uow, company_id, appointment.id, {"kind": "client", "id": 11}, "ill")
    again = handlers.cancel_appointment(uow, company_id, appointment.id, STAFF_ACTOR)
    assert again.state == "cancelled" and again.cancelled_by == {"kind": "client", "id": 11} and again.version == 2
    assert [e["event_type"] for e in events_for(uow, appointment.id)] == [
        "appointment_created",
        "appointment_cancelled",
    ]
    change = {"starts_at": MONDAY_10, "staff_member_id": None, "actor": STAFF_ACTOR, "source": "admin"}
    with pytest.raises(AppointmentClosed):
        handlers.reschedule_appointment(uow, scheduling.quote_appointment, SECRET, company_id, appointment.id, change)


def test_another_company_cannot_see_or_change_it(uow, scheduling, company_id):
    appointment = book(uow, scheduling, company_id).appointment
    with pytest.raises(NotFound):
        handlers.get_appointment(uow, company_id + 1, appointment.id)
    with pytest.raises(NotFound):
        handlers.cancel_appointment(uow, company_id + 1, appointment.id, STAFF_ACTOR)
    assert handlers.get_appointment(uow, company_id, appointment.id).state == "booked"


def test_the_link_finds_the_booking_and_a_forged_one_does_not(uow, scheduling, company_id):
    booked = book(uow, scheduling, company_id)
    assert handlers.appointment_by_link(uow, SECRET, booked.link_token).id == booked.appointment.id
    with pytest.raises(NotFound):
        handlers.appointment_by_link(uow, SECRET, f"{company_id}-{booked.appointment.id + 1}-{booked.link_token[-24:]}")


def test_a_link_works_until_its_time_after_the_visit_then_says_it_has_expired(uow, scheduling, company_id):
    booked = book(uow, scheduling, company_id)
    ends_at = booked.appointment.ends_at
    lives = datetime.now(UTC) - ends_at  # the visit ended exactly this long ago, as of now
    assert handlers.appointment_by_link(uow, SECRET, booked.link_token, lives + timedelta(minutes=1)).id
    with pytest.raises(LinkExpired, match="expired"):
        handlers.appointment_by_link(uow, SECRET, booked.link_token, lives - timedelta(minutes=1))


def test_list_returns_what_overlaps_the_period(uow, scheduling, company_id):
    early = book(uow, scheduling, company_id, starts_at=MONDAY_10 - timedelta(hours=1), services=(3,)).appointment
    later = book(uow, scheduling, company_id, starts_at=MONDAY_10 + timedelta(hours=3), staff=(6,)).appointment
    cancelled = book(uow, scheduling, company_id, starts_at=MONDAY_10 + timedelta(hours=4)).appointment
    handlers.cancel_appointment(uow, company_id, cancelled.id, STAFF_ACTOR)
    query = {"period_start": MONDAY_10, "period_end": MONDAY_10 + timedelta(hours=5), "staff_member_ids": None}
    assert [a.id for a in handlers.list_appointments(uow, company_id, {**query, "include_cancelled": False})] == [
        early.id,
        later.id,
    ]
    with_cancelled = handlers.list_appointments(uow, company_id, {**query, "include_cancelled": True})
    assert [a.id for a in with_cancelled] == [early.id, later.id, cancelled.id]
    only_six = handlers.list_appointments(
        uow, company_id, {**query, "staff_member_ids": [6], "include_cancelled": False}
    )
    assert [a.id for a in only_six] == [later.id]


def test_any_specialist_named_by_nobody_is_resolved_here(uow, scheduling, company_id):
    first = book(uow, scheduling, company_id, staff=None).appointment
    second = book(uow, scheduling, company_id, staff=None).appointment
    assert {first.staff_member_id, second.staff_member_id} == {5, 6}
    assert scheduling.queries[0]["staff_member_ids"] is None
    with pytest.raises(SlotTaken):
        book(uow, scheduling, company_id, staff=None)


def test_a_retry_replays_even_when_the_slot_has_gone_since(uow, scheduling, company_id):
    first = book(uow, scheduling, company_id, staff=None, key="retry-any")
    book(uow, scheduling, company_id, staff=None)  # the last free specialist is now taken too
    scheduling.off_duty = {5, 6}  # and nobody could be quoted any more
    again = book(uow, scheduling, company_id, staff=None, key="retry-any")
    assert again.replayed and again.appointment.id == first.appointment.id


def test_the_same_instant_in_another_offset_is_the_same_request(uow, scheduling, company_id):
    from datetime import timezone

    first = book(uow, scheduling, company_id, key="offsets")
    in_berlin = MONDAY_10.astimezone(timezone(timedelta(hours=2)))
    again = book(uow, scheduling, company_id, key="offsets", starts_at=in_berlin)
    assert again.replayed and again.appointment.id == first.appointment.id


def test_nothing_is_saved_once_the_caller_stopped_waiting(sessions, scheduling, company_id):
    import time

    from salon_infra.errors import ServiceUnavailable

    late = UnitOfWork(sessions, deadline=time.time() - 0.1)
    with pytest.raises(ServiceUnavailable):
        book(late, scheduling, company_id)
    assert handlers.list_appointments(
        UnitOfWork(sessions),
        company_id,
        {"period_start": MONDAY_10 - timedelta(days=1), "period_end": MONDAY_10 + timedelta(days=1),
         "staff_member_ids": None, "include_cancelled": True},
    ) == []  # fmt: skip
