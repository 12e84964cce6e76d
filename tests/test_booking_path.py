"""The product's main path through the gateway: a client picks a service and a specialist or
'any', sees the free slots, books one, and the booking appears on the staff calendar."""

from datetime import UTC, date, timedelta

from support.salon import next_weekday


def wait_until_gone(salon, titles, day, start, staff_name=None, timeout=10.0):
    """Slot search reads a copy of busy times fed by events: it catches up within moments."""
    import time

    deadline = time.monotonic() + timeout
    while start in salon.starts(titles, day, staff_name):
        assert time.monotonic() < deadline, f"{start} still offered after {timeout}s"
        time.sleep(0.05)


def test_book_a_free_slot_and_see_it_on_the_calendar(salon):
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    salon.add_service("Haircut", 60, ["Anna", "Ben"], price=4500)
    day = next_weekday(2)

    services = salon.public.ok("GET", f"/api/v1/companies/{salon.company_id}/services")
    assert [(s["title"], s["duration_minutes"], sorted(s["staff_member_ids"])) for s in services] == [
        ("Haircut", 60, sorted(salon.staff.values()))
    ]
    slots = salon.slots(["Haircut"], day)
    assert slots["timezone"] == "Europe/Berlin"
    first = slots["days"][0]["slots"][0]
    assert first["start"] == salon.local(day, 9).isoformat()
    assert sorted(first["staff_member_ids"]) == sorted(salon.staff.values())

    mia = {"name": "Mia", "phone": "0151 12345678", "email": "mia@example.com"}
    response = salon.book_online(["Haircut"], salon.local(day, 9), staff_name="Anna", client=mia)
    assert response.status_code == 201, response.text
    booked = response.json()
    assert booked["appointment"]["staff_member"]["name"] == "Anna"
    assert booked["appointment"]["ends_at"] == salon.local(day, 10).isoformat()  # local time, with its offset

    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    anna = next(column for column in calendar["staff"] if column["staff_member"]["name"] == "Anna")
    [appointment] = anna["appointments"]
    assert appointment["client"]["phone"] == "+4915112345678" and appointment["client"]["name"] == "Mia"
    assert appointment["source"] == "widget" and appointment["created_by"]["kind"] == "client"
    assert appointment["services"][0]["title"] == "Haircut" and appointment["total_price"] == 4500

    wait_until_gone(salon, ["Haircut"], day, salon.local(day, 9).isoformat(), "Anna")
    assert salon.local(day, 9).isoformat() in salon.starts(["Haircut"], day, "Ben")


def test_any_specialist_books_someone_free(salon):
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    salon.add_service("Haircut", 60, ["Anna", "Ben"])
    day = next_weekday(3)
    first = salon.book_online(["Haircut"], salon.local(day, 11))
    second = salon.book_online(["Haircut"], salon.local(day, 11))
    assert first.status_code == second.status_code == 201
    chosen = {first.json()["appointment"]["staff_member"]["id"], second.json()["appointment"]["staff_member"]["id"]}
    assert chosen == set(salon.staff.values())
    wait_until_gone(salon, ["Haircut"], day, salon.local(day, 11).isoformat())
    third = salon.book_online(["Haircut"], salon.local(day, 11))
    assert third.status_code == 409


def test_the_client_link_shows_moves_and_cancels_the_booking(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(4)
    token = salon.book_online(["Haircut"], salon.local(day, 9), "Anna").json()["link_token"]

    view = salon.public.ok("GET", f"/api/v1/bookings/{token}")
    assert view["state"] == "booked" and view["company"]["name"].startswith("Salon")
    moved = salon.public.ok(
        "POST", f"/api/v1/bookings/{token}/reschedule", {"starts_at": salon.local(day, 14).isoformat()}
    )
    assert moved["starts_at"] == salon.local(day, 14).isoformat()
    outside = salon.public.post(f"/api/v1/bookings/{token}/reschedule", {"starts_at": salon.local(day, 20).isoformat()})
    assert outside.status_code == 422  # a client may only move it into working hours
    assert salon.public.ok("POST", f"/api/v1/bookings/{token}/cancel")["state"] == "cancelled"
    assert salon.public.get(f"/api/v1/bookings/{token[:-3]}abc").status_code == 404


def test_a_client_link_expires_thirty_days_after_its_visit(salon):
    """The link shows the client's booking and lets whoever holds it act: not forever."""
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    long_ago, recently = date.today() - timedelta(days=32), date.today() - timedelta(days=20)
    links = {}
    for day in (long_ago, recently):
        made = salon.book_as_staff(["Haircut"], salon.local(day, 9), "Anna")
        assert made.status_code == 201, made.text
        links[day] = made.json()["link_token"]
    assert salon.public.ok("GET", f"/api/v1/bookings/{links[recently]}")["state"] == "booked"
    expired = salon.public.get(f"/api/v1/bookings/{links[long_ago]}")
    assert expired.status_code == 410 and "expired" in expired.json()["message"]
    assert salon.public.post(f"/api/v1/bookings/{links[long_ago]}/cancel").status_code == 410


def test_a_double_click_books_once(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(1)
    client = {"name": "Mia", "phone": "+4915199999999"}
    first = salon.book_online(["Haircut"], salon.local(day, 10), "Anna", client=client, key="click-1")
    again = salon.book_online(["Haircut"], salon.local(day, 10), "Anna", client=client, key="click-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["replayed"] is True
    assert again.json()["appointment"]["id"] == first.json()["appointment"]["id"]


def test_staff_book_outside_hours_and_move_and_cancel(salon):
    salon.add_staff("Anna")
    salon.add_service("Colour", 120, ["Anna"])
    day = next_weekday(0)
    booked = salon.book_as_staff(["Colour"], salon.local(day, 19), "Anna")  # after hours: staff may
    assert booked.status_code == 201, booked.text
    appointment_id = booked.json()["appointment"]["id"]
    moved = salon.api.ok("POST", f"/api/v1/appointments/{appointment_id}/reschedule",
                         {"starts_at": salon.local(day, 10).isoformat()})  # fmt: skip
    assert moved["starts_at"] == salon.local(day, 10).isoformat() and moved["version"] == 2
    cancelled = salon.api.ok("POST", f"/api/v1/appointments/{appointment_id}/cancel", {"reason": "ill"})
    assert cancelled["state"] == "cancelled" and cancelled["cancelled_by"]["kind"] == "user"


def test_bad_input_is_a_clear_4xx(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(2)
    bad_phone = salon.book_online(["Haircut"], salon.local(day, 9), "Anna", client={"name": "X", "phone": "12"})
    assert bad_phone.status_code == 422 and "phone" in bad_phone.json()["errors"]["json"]["client"]
    past = salon.book_online(["Haircut"], salon.local(day, 9) - timedelta(days=30), "Anna")
    assert past.status_code in (409, 422)
    unknown = salon.public.get(f"/api/v1/companies/{salon.company_id}/slots", params={"service_id": 999999})
    assert unknown.status_code in (404, 422)
    assert salon.public.get("/api/v1/companies/999999999").status_code == 404


def test_retrying_an_any_specialist_booking_with_its_key_replays_it(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(3)
    client = {"name": "Mia", "phone": "+4915188888888"}
    first = salon.book_online(["Haircut"], salon.local(day, 10), client=client, key="any-retry")
    assert first.status_code == 201, first.text
    wait_until_gone(salon, ["Haircut"], day, salon.local(day, 10).isoformat())  # Anna is no longer free then
    in_utc = salon.local(day, 10).astimezone(UTC)  # the same instant, written otherwise
    again = salon.book_online(["Haircut"], in_utc, client=client, key="any-retry")
    assert again.status_code == 201, again.text
    assert again.json()["replayed"] and again.json()["link_token"] == first.json()["link_token"]


def test_odd_input_is_a_4xx_never_a_500(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(2)
    nul = salon.book_online(["Haircut"], salon.local(day, 11), "Anna", comment="bring\x00shoes")
    assert nul.status_code == 422 and "comment" in nul.json()["errors"]["json"]
    nul_name = salon.book_online(
        ["Haircut"], salon.local(day, 11), "Anna", client={"name": "A\x00", "phone": "+4915177700000"}
    )
    assert nul_name.status_code == 422 and "name" in nul_name.json()["errors"]["json"]["client"]
    huge = 99999999999999999999
    assert salon.api.get(f"/api/v1/appointments/{huge}").status_code == 404
    assert salon.public.get(f"/api/v1/companies/{huge}/services").status_code == 404
    assert salon.public.get("/api/v1/bookings/1-1-éééé").status_code == 404
    too_big = salon.public.post(f"/api/v1/companies/{salon.company_id}/bookings", {"service_ids": [huge]})
    assert too_big.status_code == 422 and "service_ids" in too_big.json()["errors"]["json"]
