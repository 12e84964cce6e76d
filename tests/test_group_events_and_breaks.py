"""Group events and breaks through the gateway: seats until full (and a race for the last ones),
a group service booked in the widget, breaks that never share time with an appointment."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from support.api import new_key
from support.salon import next_weekday

DAY = next_weekday(3, after=date.today() + timedelta(days=3))  # a Thursday some days ahead


@pytest.fixture
def studio(salon):
    salon.add_staff("Dana")
    salon.add_staff("Eli")
    salon.add_service("Nail art workshop", 90, ["Dana"], price=2000, group_capacity=6)
    salon.add_service("Manicure", 45, ["Dana", "Eli"], price=3000)
    return salon


def new_event(salon, hour=16, staff="Dana", **more) -> dict:
    body = {
        "staff_member_id": salon.staff[staff],
        "service_id": salon.services["Nail art workshop"],
        "starts_at": salon.local(DAY, hour).isoformat(),
        **more,
    }
    return salon.api.ok("POST", "/api/v1/group-events", body)


def add_seat(salon, event, n):
    client = {"name": f"Guest {n}", "phone": f"+49151555{n:05d}"}
    return salon.api.post(f"/api/v1/group-events/{event['id']}/seats", {"client": client})


def test_an_event_with_seats_until_it_is_full(studio):
    event = new_event(studio, title="Spring colours", capacity=2)
    assert (event["name"], event["capacity"], event["free_seats"], event["price"]) == ("Spring colours", 2, 2, 2000)
    assert event["ends_at"].startswith(f"{DAY.isoformat()}T17:30")
    default_capacity = new_event(studio, hour=9)
    assert default_capacity["capacity"] == 6  # the group service's seats
    assert add_seat(studio, event, 1).status_code == 201
    second = add_seat(studio, event, 2)
    assert second.status_code == 201 and second.json()["appointment"]["group_event_id"] == event["id"]
    full = add_seat(studio, event, 3)
    assert full.status_code == 409 and "group_event_id" in full.json()["errors"]["json"]
    shown = studio.api.ok("GET", f"/api/v1/group-events/{event['id']}")
    assert shown["seats_taken"] == 2 and [seat["client_name"] for seat in shown["seats"]] == ["Guest 1", "Guest 2"]
    calendar = studio.api.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    dana = next(c for c in calendar["staff"] if c["staff_member"]["name"] == "Dana")
    assert {e["id"]: e["seats_taken"] for e in dana["group_events"]} == {event["id"]: 2, default_capacity["id"]: 0}
    assert dana["appointments"] == []  # seats are shown inside their event
    off = studio.api.ok("DELETE", f"/api/v1/group-events/{event['id']}/seats/{shown['seats'][0]['appointment_id']}")
    assert off["free_seats"] == 1 and add_seat(studio, event, 3).status_code == 201


def test_an_event_blocks_its_staff_members_time_both_ways(studio):
    new_event(studio, hour=10)
    clash = studio.book_as_staff(["Manicure"], studio.local(DAY, 11), "Dana")
    assert clash.status_code == 409
    assert studio.book_as_staff(["Manicure"], studio.local(DAY, 11), "Eli").status_code == 201
    assert studio.book_as_staff(["Manicure"], studio.local(DAY, 13), "Dana").status_code == 201
    over = studio.api.post(
        "/api/v1/group-events",
        {
            "staff_member_id": studio.staff["Dana"],
            "service_id": studio.services["Nail art workshop"],
            "starts_at": studio.local(DAY, 12, 30).isoformat(),
        },
    )
    assert over.status_code == 409 and "starts_at" in over.json()["errors"]["json"]
    slots = [datetime.fromisoformat(slot) for slot in studio.starts(["Manicure"], DAY, staff_name="Dana")]
    event_start, event_end = studio.local(DAY, 10), studio.local(DAY, 11, 30)
    assert slots and not [s for s in slots if s + timedelta(minutes=45) > event_start and s < event_end]


def test_moving_or_cancelling_an_event_takes_its_seats_along(studio):
    event = new_event(studio, hour=9)
    seat = add_seat(studio, event, 7).json()["appointment"]
    moved = studio.api.ok(
        "PATCH", f"/api/v1/group-events/{event['id']}", {"starts_at": studio.local(DAY, 14).isoformat(), "capacity": 3}
    )
    assert moved["starts_at"].startswith(f"{DAY.isoformat()}T14:00") and moved["capacity"] == 3
    assert studio.api.ok("GET", f"/api/v1/appointments/{seat['id']}")["starts_at"].startswith(f"{DAY.isoformat()}T14")
    too_small = studio.api.patch(f"/api/v1/group-events/{event['id']}", {"capacity": 0})
    assert too_small.status_code == 422 and "capacity" in too_small.json()["errors"]["json"]
    studio.api.ok("POST", f"/api/v1/group-events/{event['id']}/cancel", {"reason": "Teacher ill"})
    assert studio.api.ok("GET", f"/api/v1/appointments/{seat['id']}")["state"] == "cancelled"
    assert add_seat(studio, event, 8).status_code == 409


def test_the_widget_lists_events_with_free_seats_and_books_one(studio):
    event = new_event(studio, capacity=1)
    new_event(studio, hour=10, staff="Dana", capacity=3)
    listed = studio.public.ok(
        "GET",
        f"/api/v1/companies/{studio.company_id}/group-events",
        params={"service_id": studio.services["Nail art workshop"], "date_from": DAY.isoformat()},
    )
    assert [(e["id"] == event["id"], e["free_seats"], e["staff_member"]["name"]) for e in listed][-1] == (
        True,
        1,
        "Dana",
    )
    assert "seats" not in listed[0]  # no other client's name in public
    body = {"client": {"name": "Web Client", "phone": "+4915155500100"}}
    booked = studio.public.post(
        f"/api/v1/companies/{studio.company_id}/group-events/{event['id']}/seats",
        body,
        headers={"Idempotency-Key": new_key()},
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["link_token"] and booked.json()["appointment"]["staff_member"]["name"] == "Dana"
    late = studio.public.post(
        f"/api/v1/companies/{studio.company_id}/group-events/{event['id']}/seats",
        {"client": {"name": "Too Late", "phone": "+4915155500101"}},
    )
    assert late.status_code == 409
    relisted = studio.public.ok(
        "GET", f"/api/v1/companies/{studio.company_id}/group-events", params={"date_from": DAY.isoformat()}
    )
    assert event["id"] not in [e["id"] for e in relisted]  # full: no longer offered
    slots = studio.public.ok(
        "GET",
        f"/api/v1/companies/{studio.company_id}/slots",
        params={"service_id": studio.services["Nail art workshop"], "date_from": DAY.isoformat()},
    )
    assert all(not day["slots"] for day in slots["days"])  # a group service is booked by seat, not by slot


def test_fifty_clients_race_for_the_last_three_seats_through_the_widget(studio):
    event = new_event(studio, capacity=10)
    for n in range(7):
        assert add_seat(studio, event, n).status_code == 201
    start = threading.Barrier(50)
    url = f"/api/v1/companies/{studio.company_id}/group-events/{event['id']}/seats"

    def race(n):
        body = {"client": {"name": f"Racer {n}", "phone": f"+49151666{n:05d}"}}
        start.wait()
        return studio.public.post(url, body, headers={"Idempotency-Key": new_key()}).status_code

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(race, range(50)))
    assert statuses.count(201) == 3 and statuses.count(409) == 47, statuses
    shown = studio.api.ok("GET", f"/api/v1/group-events/{event['id']}")
    assert shown["seats_taken"] == 10 == len(shown["seats"]) and shown["free_seats"] == 0


def add_break(salon, staff, hour, minute=0, minutes=30):
    start = salon.local(DAY, hour, minute)
    body = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(minutes=minutes)).isoformat()}
    return salon.api.post(f"/api/v1/staff/{salon.staff[staff]}/breaks", body)


def test_a_break_and_an_appointment_never_share_time(studio):
    assert studio.book_as_staff(["Manicure"], studio.local(DAY, 10), "Eli").status_code == 201
    over = add_break(studio, "Eli", 10, 30)
    assert over.status_code == 409
    assert over.json()["errors"]["json"] == {"starts_at": ["The break overlaps an appointment of this staff member."]}
    lunch = add_break(studio, "Eli", 13)
    assert lunch.status_code == 201 and lunch.json()["state"] == "active"
    assert studio.book_as_staff(["Manicure"], studio.local(DAY, 12, 30), "Eli").status_code == 409
    assert studio.book_online(["Manicure"], studio.local(DAY, 13), "Eli").status_code in (409, 422)
    slots = [datetime.fromisoformat(slot) for slot in studio.starts(["Manicure"], DAY, staff_name="Eli")]
    lunch_start, lunch_end = studio.local(DAY, 13), studio.local(DAY, 13, 30)
    assert slots and not [s for s in slots if s + timedelta(minutes=45) > lunch_start and s < lunch_end]
    assert studio.api.request("DELETE", f"/api/v1/breaks/{lunch.json()['id']}").status_code == 204
    assert studio.book_as_staff(["Manicure"], studio.local(DAY, 12, 30), "Eli").status_code == 201
    bad = studio.api.post(
        f"/api/v1/staff/{studio.staff['Eli']}/breaks",
        {"starts_at": studio.local(DAY, 15).isoformat(), "ends_at": studio.local(DAY, 14).isoformat()},
    )
    assert bad.status_code == 422 and "ends_at" in bad.json()["errors"]["json"]


def test_a_break_and_an_appointment_sent_at_the_same_moment_never_both_land(studio):
    for round_ in range(10):
        hour, start = 9 + round_ % 8, threading.Barrier(2)
        staff = "Eli" if round_ < 8 else "Dana"

        def as_break(hour=hour, start=start, staff=staff):
            start.wait()
            return add_break(studio, staff, hour, 15).status_code

        def as_appointment(hour=hour, start=start, staff=staff):
            start.wait()
            return studio.book_as_staff(["Manicure"], studio.local(DAY, hour), staff).status_code

        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(f.result() for f in [pool.submit(as_break), pool.submit(as_appointment)])
        assert statuses == [201, 409], f"round {round_}: {statuses}"
