"""Group events, their seats and breaks on PostgreSQL: they block a staff member's time like
appointments, seats are allocated by the database, and races have exactly the winners they should."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.integration.rpc import rpc
from tests.integration.test_handlers import MONDAY_10, STAFF_ACTOR
from tests.integration.test_visits import book, events_of

from bookings.calendar_json import APPOINTMENT_FIELDS, LINE_FIELDS
from bookings.exceptions import AppointmentClosed, NoFreeSeat, SlotTaken
from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict, InvalidInput

YOGA = 4  # a 60-minute service of the fake scheduling


@pytest.fixture
def service(uow, scheduling):
    return rpc(uow, scheduling)


def new_event(service, company_id, starts_at=MONDAY_10, capacity=3, staff=5, **more) -> dict:
    event = {"staff_member_id": staff, "service_id": YOGA, "starts_at": starts_at.isoformat(), "capacity": capacity,
             "created_by": STAFF_ACTOR, **more}  # fmt: skip
    return service.create_group_event(company_id, event)["group_event"]


def seat(service, company_id, event, client_id, source="widget", key=None) -> dict:
    body = {"client_id": client_id, "client": {"name": f"Client {client_id}", "phone": None}, "source": source,
            "created_by": {"kind": "client", "id": client_id}, "idempotency_key": key}  # fmt: skip
    return service.book_seat(company_id, event["id"], body)


def test_a_group_event_is_created_with_the_services_length_and_price(service, company_id):
    event = new_event(service, company_id, title="Morning yoga", capacity=8)
    assert (event["name"], event["service_title"], event["price"], event["capacity"], event["free_seats"]) == (
        "Morning yoga", "Service 4", 2500, 8, 8,
    )  # fmt: skip
    assert event["ends_at"] == (MONDAY_10 + timedelta(minutes=60)).isoformat()
    longer = new_event(service, company_id, starts_at=MONDAY_10 + timedelta(hours=2), length_minutes=90)
    assert longer["ends_at"] == (MONDAY_10 + timedelta(hours=3, minutes=30)).isoformat()


def test_an_event_and_an_appointment_never_share_a_staff_members_time(service, company_id):
    new_event(service, company_id)
    with pytest.raises(SlotTaken):
        book(service, company_id, starts_at=MONDAY_10 + timedelta(minutes=30))
    book(service, company_id, starts_at=MONDAY_10 + timedelta(hours=1))  # right after it
    book(service, company_id, starts_at=MONDAY_10, staff=6)  # another staff member
    with pytest.raises(SlotTaken):
        new_event(service, company_id, starts_at=MONDAY_10 + timedelta(hours=1, minutes=30))


def test_seats_until_the_event_is_full(service, uow, company_id):
    event = new_event(service, company_id, capacity=2)
    first = seat(service, company_id, event, 31)
    assert first["appointment"]["group_event_id"] == event["id"] and first["appointment"]["total_price"] == 2500
    assert first["link_token"] and events_of(uow, first["appointment"]["id"])[0]["event_type"] == "appointment_created"
    with pytest.raises(Conflict, match="already has a seat"):
        seat(service, company_id, event, 31)
    seat(service, company_id, event, 32)
    with pytest.raises(NoFreeSeat) as refused:
        seat(service, company_id, event, 33)
    assert "group_event_id" in refused.value.errors
    shown = service.get_group_event(company_id, event["id"])
    assert shown["group_event"]["seats_taken"] == 2 and [s["client_id"] for s in shown["seats"]] == [31, 32]
    # Staff take a client off: the seat is free again.
    service.cancel_appointment(company_id, first["appointment"]["id"], {"actor": STAFF_ACTOR})
    assert service.get_group_event(company_id, event["id"])["group_event"]["free_seats"] == 1
    seat(service, company_id, event, 33)


def test_a_repeated_seat_request_replays_the_first_answer(service, company_id):
    event = new_event(service, company_id)
    first = seat(service, company_id, event, 41, key="k-41")
    again = seat(service, company_id, event, 41, key="k-41")
    assert again["replayed"] and again["appointment"]["id"] == first["appointment"]["id"]
    assert service.get_group_event(company_id, event["id"])["group_event"]["seats_taken"] == 1


def test_fifty_clients_race_for_the_last_three_seats(service, sessions, scheduling, company_id):
    event = new_event(service, company_id, capacity=10)
    for client_id in range(1, 8):
        seat(service, company_id, event, client_id)
    start = threading.Barrier(50)

    def race(client_id):
        mine = rpc(UnitOfWork(sessions), scheduling)
        start.wait()
        try:
            return seat(mine, company_id, event, client_id)["appointment"]["id"]
        except NoFreeSeat:
            return None

    with ThreadPoolExecutor(50) as pool:
        won = [seat_id for seat_id in pool.map(race, range(100, 150)) if seat_id]
    assert len(won) == 3
    shown = service.get_group_event(company_id, event["id"])
    assert shown["group_event"]["seats_taken"] == 10 and len(shown["seats"]) == 10


def test_capacity_cannot_drop_below_the_seats_taken(service, company_id):
    event = new_event(service, company_id, capacity=3)
    seat(service, company_id, event, 51)
    seat(service, company_id, event, 52)
    with pytest.raises(InvalidInput, match="capacity"):
        service.change_group_event(company_id, event["id"], {"actor": STAFF_ACTOR, "capacity": 1})
    smaller = service.change_group_event(company_id, event["id"], {"actor": STAFF_ACTOR, "capacity": 2})
    assert smaller["group_event"]["free_seats"] == 0


def test_moving_an_event_moves_its_seats_and_cancelling_it_cancels_them(service, uow, company_id):
    event = new_event(service, company_id)
    taken = seat(service, company_id, event, 61)["appointment"]
    later = MONDAY_10 + timedelta(hours=3)
    moved = service.change_group_event(company_id, event["id"], {"actor": STAFF_ACTOR, "starts_at": later.isoformat()})
    assert moved["group_event"]["starts_at"] == later.isoformat()
    assert service.get_appointment(company_id, taken["id"])["starts_at"] == later.isoformat()
    assert events_of(uow, taken["id"])[-1]["event_type"] == "appointment_rescheduled"
    book(service, company_id, starts_at=MONDAY_10)  # the old time is free
    service.cancel_group_event(company_id, event["id"], {"actor": STAFF_ACTOR, "reason": "teacher ill"})
    assert service.get_appointment(company_id, taken["id"])["state"] == "cancelled"
    with pytest.raises(AppointmentClosed):
        seat(service, company_id, event, 62, source="admin")
    book(service, company_id, starts_at=later)  # the event's time is free again


def test_a_seat_does_not_move_on_its_own_and_online_seats_need_an_event_to_come(service, company_id):
    event = new_event(service, company_id, starts_at=MONDAY_10)
    taken = seat(service, company_id, event, 71)["appointment"]
    change = {"starts_at": (MONDAY_10 + timedelta(hours=5)).isoformat(), "actor": STAFF_ACTOR, "source": "admin"}
    with pytest.raises(AppointmentClosed, match="seat"):
        service.reschedule_appointment(company_id, taken["id"], change)
    past = new_event(service, company_id, starts_at=MONDAY_10 - timedelta(days=3650))
    with pytest.raises(AppointmentClosed, match="started"):
        seat(service, company_id, past, 72)
    assert seat(service, company_id, past, 72, source="admin")  # staff may seat a client afterwards


def add_break(service, company_id, start, minutes=30, staff=5):
    ends_at = start + timedelta(minutes=minutes)
    body = {"staff_member_id": staff, "starts_at": start.isoformat(), "ends_at": ends_at.isoformat(), "note": "lunch",
            "actor": STAFF_ACTOR}  # fmt: skip
    return service.add_break(company_id, body)


def test_a_break_and_an_appointment_never_overlap(service, scheduling, uow, company_id):
    lunch = add_break(service, company_id, MONDAY_10 + timedelta(hours=3))
    assert lunch["state"] == "active" and lunch["note"] == "lunch"
    with pytest.raises(SlotTaken):
        book(service, company_id, starts_at=MONDAY_10 + timedelta(hours=2, minutes=45))
    book(service, company_id, starts_at=MONDAY_10)
    with pytest.raises(SlotTaken) as refused:
        add_break(service, company_id, MONDAY_10 + timedelta(minutes=50))
    assert refused.value.errors == {"starts_at": ["The break overlaps an appointment of this staff member."]}
    scheduling.unknown_staff.add(99)
    with pytest.raises(InvalidInput, match="staff_member_id"):
        add_break(service, company_id, MONDAY_10, staff=99)
    with pytest.raises(InvalidInput, match="ends_at"):
        add_break(service, company_id, MONDAY_10 + timedelta(hours=6), minutes=0)
    removed = service.remove_break(company_id, lunch["id"], STAFF_ACTOR)
    assert removed["state"] == "removed" and removed["version"] == 2
    book(service, company_id, starts_at=MONDAY_10 + timedelta(hours=2, minutes=45))
    assert [e["event_type"] for e in events_of(uow, lunch["id"], "break")] == ["break_added", "break_removed"]


def test_a_break_and_an_appointment_made_at_the_same_moment_never_both_win(service, sessions, scheduling, company_id):
    def race(at, start: threading.Barrier, make):
        mine = rpc(UnitOfWork(sessions), scheduling)
        start.wait()
        try:
            return make(mine, at)
        except SlotTaken:
            return None

    def as_break(mine, at):
        return add_break(mine, company_id, at + timedelta(minutes=15), minutes=30)

    def as_appointment(mine, at):
        return book(mine, company_id, starts_at=at)

    for round_ in range(20):
        at, start = MONDAY_10 + timedelta(days=round_ + 1), threading.Barrier(2)
        with ThreadPoolExecutor(2) as pool:
            results = [pool.submit(race, at, start, make) for make in (as_break, as_appointment)]
        won = [result.result() for result in results if result.result()]
        assert len(won) == 1, f"round {round_}: both or neither made it"


def test_the_calendar_lists_appointments_events_with_their_seats_and_breaks(service, company_id):
    mine = book(service, company_id)
    event = new_event(service, company_id, starts_at=MONDAY_10 + timedelta(hours=2))
    taken = seat(service, company_id, event, 81)["appointment"]
    lunch = add_break(service, company_id, MONDAY_10 + timedelta(hours=4))
    theirs = book(service, company_id, staff=6)
    day = {"period_start": MONDAY_10.replace(hour=0).isoformat(),
           "period_end": (MONDAY_10.replace(hour=0) + timedelta(days=1)).isoformat()}  # fmt: skip
    everyone = service.calendar(company_id, day)
    assert [a["id"] for a in everyone["appointments"]] == [mine["id"], theirs["id"]]  # seats are inside their events
    assert [(e["id"], [s["appointment_id"] for s in e["seats"]]) for e in everyone["group_events"]] == [
        (event["id"], [taken["id"]])
    ]
    assert [b["id"] for b in everyone["breaks"]] == [lunch["id"]]
    only_six = service.calendar(company_id, {**day, "staff_member_ids": [6]})
    assert [a["id"] for a in only_six["appointments"]] == [theirs["id"]] and not only_six["group_events"]
    assert service.calendar(company_id + 1, day) == {"appointments": [], "group_events": [], "breaks": []}


def test_the_calendars_json_is_each_records_own_answer(service, company_id):
    """calendar_json builds its answer by hand, for speed: it must say what the schemas say."""
    visit = book(service, company_id, services=(1, 2), category_id=None, colour="#123456", comment="Quiet")
    service.set_visit_status(company_id, visit["id"], {"visit_status": "confirmed", "actor": STAFF_ACTOR})
    event = new_event(service, company_id, starts_at=MONDAY_10 + timedelta(hours=2), title="Flow")
    seat(service, company_id, event, 91)
    lunch = add_break(service, company_id, MONDAY_10 + timedelta(hours=4))
    day = {"period_start": MONDAY_10.replace(hour=0).isoformat(),
           "period_end": (MONDAY_10.replace(hour=0) + timedelta(days=1)).isoformat()}  # fmt: skip
    shown = service.calendar(company_id, day)
    whole = service.get_appointment(company_id, visit["id"])
    block = {name: whole[name] for name in APPOINTMENT_FIELDS}
    block["services"] = [{name: line[name] for name in LINE_FIELDS} for line in whole["services"]]
    assert shown["appointments"] == [block]
    answer = service.get_group_event(company_id, event["id"])
    assert shown["group_events"] == [{**answer["group_event"], "seats": answer["seats"]}]
    assert shown["breaks"] == [service.get_break(company_id, lunch["id"])]
    berlin = service.calendar(company_id, {**day, "timezone": "Europe/Berlin"})
    assert berlin["appointments"][0]["starts_at"] == MONDAY_10.astimezone(ZoneInfo("Europe/Berlin")).isoformat()
