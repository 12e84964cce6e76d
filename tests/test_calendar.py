"""The staff calendar through the gateway: the day and the week, the visit's service lines and
status, categories, colours and extra fields, with every change an event the overview sees."""

from datetime import date, timedelta

import pytest
from support.api import new_key
from support.salon import next_weekday
from support.till import take_payment

DAY = next_weekday(2, after=date.today() + timedelta(days=3))  # a Wednesday some days ahead


@pytest.fixture
def day_salon(salon):
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    salon.add_service("Cut", 60, ["Anna", "Ben"], price=4500)
    salon.add_service("Wash", 15, ["Anna"], price=1000)
    salon.add_service("Colour", 90, ["Ben"], price=9000)
    return salon


def booked(salon, services, hour, staff, minute=0, **more) -> dict:
    response = salon.book_as_staff(services, salon.local(DAY, hour, minute), staff, **more)
    assert response.status_code == 201, response.text
    return response.json()["appointment"]


def column(calendar: dict, name: str) -> dict:
    return next(c for c in calendar["staff"] if c["staff_member"]["name"] == name)


def test_the_day_has_a_column_per_staff_member_with_hours_appointments_events_and_breaks(day_salon):
    salon = day_salon
    cut = booked(salon, ["Cut"], 10, "Anna", client={"name": "Mia Becker", "phone": "+4915100000101"})
    lunch = salon.api.ok(
        "POST",
        f"/api/v1/staff/{salon.staff['Anna']}/breaks",
        {
            "starts_at": salon.local(DAY, 13).isoformat(),
            "ends_at": salon.local(DAY, 13, 30).isoformat(),
            "note": "Lunch",
        },
    )
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    assert (calendar["date"], calendar["timezone"], calendar["currency"]) == (DAY.isoformat(), "Europe/Berlin", "EUR")
    assert [c["staff_member"]["name"] for c in calendar["staff"]] == ["Anna", "Ben"]
    anna = column(calendar, "Anna")
    assert [(span["start"][11:16], span["end"][11:16]) for span in anna["working"]] == [("09:00", "18:00")]
    [shown] = anna["appointments"]
    assert shown["id"] == cut["id"] and shown["client"]["name"] == "Mia Becker"
    assert shown["starts_at"].startswith(f"{DAY.isoformat()}T10:00") and shown["starts_at"].endswith(
        ("+01:00", "+02:00")
    )
    assert [(b["id"], b["note"], b["start"][11:16]) for b in anna["breaks"]] == [(lunch["id"], "Lunch", "13:00")]
    assert column(calendar, "Ben")["appointments"] == [] and column(calendar, "Ben")["breaks"] == []


def test_the_week_of_one_staff_member(day_salon):
    salon = day_salon
    booked(salon, ["Cut"], 10, "Ben")
    later = salon.book_as_staff(["Colour"], salon.local(DAY + timedelta(days=2), 11), "Ben")
    assert later.status_code == 201
    week = salon.api.ok(
        "GET", "/api/v1/calendar/week", params={"date": DAY.isoformat(), "staff_member_id": salon.staff["Ben"]}
    )
    assert week["staff_member"]["name"] == "Ben" and (week["date_from"], week["date_to"]) == (
        DAY.isoformat(),
        (DAY + timedelta(days=6)).isoformat(),
    )
    assert [day["date"] for day in week["days"]] == [(DAY + timedelta(days=n)).isoformat() for n in range(7)]
    assert [len(day["appointments"]) for day in week["days"]] == [1, 0, 1, 0, 0, 0, 0]
    assert all(day["working"] for day in week["days"])  # salon.FULL_WEEK: every day


def test_staff_edit_lines_and_the_total_due_and_overview_follow(day_salon):
    salon = day_salon
    visit = booked(salon, ["Cut", "Wash"], 11, "Anna")
    cut, wash = visit["services"]
    path = f"/api/v1/appointments/{visit['id']}"
    edited = salon.api.ok(
        "PATCH",
        path,
        {
            "services": [
                {"id": cut["id"], "price": 5000, "discount": {"percent": 12.5}},
                {"id": wash["id"], "quantity": 2, "discount": {"amount": 300}},
            ]
        },
    )
    assert [(line["total"], line["discount"]) for line in edited["services"]] == [(4375, 625), (1700, 300)]
    assert (edited["total_price"], edited["due"], edited["discount"]) == (6075, 6075, 925)
    take_payment(salon, visit["id"], 6075)
    added = salon.api.ok(
        "PATCH", path, {"services": [{"id": cut["id"]}, {"id": wash["id"]}, {"service_id": salon.services["Wash"]}]}
    )
    assert added["total_price"] == 7075 and added["due"] == 1000 and added["payment_status"] == "partly_paid"
    assert added["ends_at"].startswith(f"{DAY.isoformat()}T12:30")  # 60 + 15 + 15 minutes
    overview = salon.api.ok("GET", "/api/v1/bookings-overview", params={"paid": "not_paid_in_full"})
    assert [(row["id"], row["total_price"]) for row in overview["rows"]] == [(visit["id"], 7075)]
    smaller = salon.api.ok("PATCH", path, {"services": [{"id": cut["id"]}, {"id": wash["id"]}]})
    assert smaller["due"] == 0 and smaller["payment_status"] == "paid"
    paid = salon.api.ok("GET", "/api/v1/bookings-overview", params={"paid": "paid_in_full"})
    assert [row["id"] for row in paid["rows"]] == [visit["id"]]


def test_a_bad_edit_names_the_field_and_changes_nothing(day_salon):
    salon = day_salon
    visit = booked(salon, ["Cut"], 14, "Anna")
    [cut] = visit["services"]
    path = f"/api/v1/appointments/{visit['id']}"
    for changes, field in (
        ({"services": [{"id": cut["id"], "price": -1}]}, "services"),
        ({"services": [{"id": cut["id"], "quantity": 0}]}, "services"),
        ({"services": [{"id": cut["id"], "discount": {"percent": 101}}]}, "services"),
        ({"services": [{"id": cut["id"], "discount": {"amount": 4501}}]}, "services"),
        ({"services": [{"id": cut["id"]}, {"service_id": salon.services["Colour"]}]}, "services"),  # Ben's only
        ({"services": [{"id": cut["id"]}, {"service_id": 2**62}]}, "services"),
        ({"services": [{"id": cut["id"], "price": 10**11}]}, "services"),
        ({"length_minutes": 0}, "length_minutes"),
        ({"colour": "blue"}, "colour"),
        ({"category_id": 2**62}, "category_id"),
        ({"extra_fields": {"nope": 1}}, "extra_fields"),
    ):
        refused = salon.api.patch(path, changes)
        assert refused.status_code == 422, (changes, refused.text)
        assert field in refused.json()["errors"]["json"], (changes, refused.json())
    assert salon.api.ok("GET", path) == {**salon.api.ok("GET", path), "version": visit["version"]}
    assert salon.api.ok("GET", path)["services"] == visit["services"]


def test_a_longer_appointment_may_not_run_into_the_next_one(day_salon):
    salon = day_salon
    first = booked(salon, ["Cut"], 9, "Anna")
    booked(salon, ["Cut"], 10, "Anna")
    refused = salon.api.patch(f"/api/v1/appointments/{first['id']}", {"length_minutes": 75})
    assert refused.status_code == 409 and "length_minutes" in refused.json()["errors"]["json"]


def test_visit_status_who_and_when(day_salon):
    salon = day_salon
    visit = booked(salon, ["Cut"], 15, "Ben")
    arrived = salon.api.ok("POST", f"/api/v1/appointments/{visit['id']}/visit-status", {"visit_status": "arrived"})
    me = salon.api.ok("GET", "/api/v1/me")
    assert arrived["visit_status"] == "arrived" and arrived["visit_status_changed_by"] == {
        "kind": "user",
        "id": me["id"],
    }
    assert arrived["visit_status_changed_at"].endswith(("+01:00", "+02:00"))
    refused = salon.api.post(f"/api/v1/appointments/{visit['id']}/visit-status", {"visit_status": "expected"})
    assert refused.status_code == 422 and "visit_status" in refused.json()["errors"]["json"]
    overview = salon.api.ok("GET", "/api/v1/bookings-overview", params={"visit_status": "arrived"})
    assert [row["id"] for row in overview["rows"]] == [visit["id"]]


def test_categories_colours_and_extra_fields(day_salon):
    salon = day_salon
    important = salon.api.ok(
        "POST", "/api/v1/appointment-categories", {"title": "Team member is important", "colour": "#d9534f"}
    )
    taken = salon.api.post("/api/v1/appointment-categories", {"title": "Team member is important", "colour": "#000000"})
    assert taken.status_code == 422 and "title" in taken.json()["errors"]["json"]
    salon.api.ok(
        "POST",
        "/api/v1/appointment-extra-fields",
        {"code": "car_number", "title": "Car number", "type": "text", "required": True},
    )
    salon.api.ok(
        "POST",
        "/api/v1/appointment-extra-fields",
        {"code": "hair", "title": "Hair type", "type": "select", "options": ["straight", "curly"]},
    )
    refused = salon.book_as_staff(["Cut"], salon.local(DAY, 16), "Anna", extra_fields={"hair": "wavy"})
    assert refused.status_code == 422
    assert refused.json()["errors"]["json"]["extra_fields"] == {
        "hair": ["Must be one of: straight, curly."],
        "car_number": ["This field is required."],
    }
    visit = booked(
        salon,
        ["Cut"],
        16,
        "Anna",
        category_id=important["id"],
        colour="#00aa00",
        extra_fields={"car_number": "B-AB 12", "hair": "curly"},
    )
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    [shown] = column(calendar, "Anna")["appointments"]
    assert (shown["category_id"], shown["colour"], shown["extra_fields"]) == (
        important["id"],
        "#00aa00",
        {"car_number": "B-AB 12", "hair": "curly"},
    )
    overview = salon.api.ok("GET", "/api/v1/bookings-overview", params={"category_id": important["id"]})
    assert [(row["id"], row["category"]["title"]) for row in overview["rows"]] == [(visit["id"], important["title"])]
    salon.api.ok("DELETE", f"/api/v1/appointment-categories/{important['id']}", expect=(204,))
    assert salon.api.ok("GET", f"/api/v1/appointments/{visit['id']}")["category_id"] is None


def test_deleting_from_the_calendar_keeps_the_paid_and_arrived_rules(day_salon):
    salon = day_salon
    plain, paid = booked(salon, ["Cut"], 9, "Ben"), booked(salon, ["Cut"], 11, "Ben")
    take_payment(salon, paid["id"], 100)
    assert salon.api.request("DELETE", f"/api/v1/appointments/{plain['id']}").status_code == 204
    assert salon.api.ok("GET", f"/api/v1/appointments/{plain['id']}")["state"] == "deleted"
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    assert [a["id"] for a in column(calendar, "Ben")["appointments"]] == [paid["id"]]
    administrator = _user_with_role(salon, "Front desk", ["delete_bookings", "calendar_all_staff"])
    refused = administrator.request("DELETE", f"/api/v1/appointments/{paid['id']}")
    assert refused.status_code == 403 and "paid" in refused.json()["message"]
    assert salon.api.request("DELETE", f"/api/v1/appointments/{plain['id']}").status_code == 409  # already deleted


def _user_with_role(salon, name, rights):
    from test_rights import sign_in

    role = salon.api.ok("POST", "/api/v1/roles", {"name": name, "rights": rights})
    return sign_in(salon, role["id"])[1]


def test_a_double_tap_on_create_books_once(day_salon):
    salon = day_salon
    body = {
        "service_ids": [salon.services["Cut"]],
        "staff_member_id": salon.staff["Anna"],
        "starts_at": salon.local(DAY, 17).isoformat(),
        "client": {"name": "Tap Twice", "phone": "+4915100000202"},
    }
    headers = {"Idempotency-Key": new_key()}
    first = salon.api.post("/api/v1/appointments", body, headers=headers)
    again = salon.api.post("/api/v1/appointments", body, headers=headers)
    assert first.status_code == again.status_code == 201 and again.json()["replayed"] is True
    assert again.json()["appointment"]["id"] == first.json()["appointment"]["id"]
