"""No input makes a 5xx: the faults found by hand and by fuzzing (issue 11) each answer a 4xx
naming the field (400 for a body that cannot be read, 422 for a value out of bounds), and
nothing is written. The bounds are salon_infra.validation's: whole numbers within 64 bits,
valid Unicode text without NUL, dates from 2000-01-01 to 2100-12-31."""

import json
from datetime import date

import pytest
from support.salon import next_weekday

JSON = {"Content-Type": "application/json"}
OUT_OF_DAYS = ["Must be a date from 2000-01-01 to 2100-12-31."]
OUT_OF_64_BITS = ["Must be a whole number from -9223372036854775808 to 9223372036854775807."]
LONE_SURROGATE = ["Must be valid Unicode text (a lone surrogate is not)."]


@pytest.fixture
def shop(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    return salon


def send(api, method: str, path: str, text: str | bytes, headers=JSON):
    """A body exactly as written: JSON escapes, and numbers Python's json would not write."""
    return api.request(method, path, data=text.encode() if isinstance(text, str) else text, headers=headers)


def errors(response, status: int = 422, where: str = "json") -> dict:
    assert response.status_code == status, response.text
    return response.json()["errors"][where]


def nothing_booked(shop, day, phone: str) -> None:
    calendar = shop.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    assert calendar["staff"][0]["appointments"] == []
    assert shop.api.ok("GET", "/api/v1/clients", params={"q": phone}) == []


def test_an_id_beyond_64_bits_in_a_widget_booking(shop):
    day = next_weekday(2)
    phone = "+4915199000001"
    booking = {
        "service_ids": [shop.services["Haircut"]],
        "starts_at": shop.local(day, 10).isoformat(),
        "client": {"name": "Mallory", "phone": phone},
    }
    text = json.dumps(booking)[:-1] + f', "staff_member_id": {2**64}}}'
    response = send(shop.public, "POST", f"/api/v1/companies/{shop.company_id}/bookings", text)
    assert errors(response) == {"staff_member_id": OUT_OF_64_BITS}
    assert response.json()["message"] == "invalid staff_member_id"
    in_a_list = json.dumps(booking)[:-1] + f', "staff_member_id": null, "service_ids": [1, -{2**63 + 1}]}}'
    response = send(shop.public, "POST", f"/api/v1/companies/{shop.company_id}/bookings", in_a_list)
    assert errors(response) == {"service_ids": {"1": OUT_OF_64_BITS}}
    nothing_booked(shop, day, phone)


def test_a_number_of_5000_digits_at_login(shop):
    body = '{"company_id": ' + "9" * 5000 + f', "email": "{shop.owner_email}", "password": "a-good-password"}}'
    assert errors(send(shop.public, "POST", "/api/v1/auth/login", body)) == {"company_id": OUT_OF_64_BITS}
    negative = body.replace('"company_id": 9', '"company_id": -9')
    assert errors(send(shop.public, "POST", "/api/v1/auth/login", negative)) == {"company_id": OUT_OF_64_BITS}
    as_float = '{"company_id": 1' + "0" * 400 + f'.5, "email": "{shop.owner_email}", "password": "x"}}'
    assert errors(send(shop.public, "POST", "/api/v1/auth/login", as_float)) == {
        "company_id": ["Must be a finite number."]
    }


@pytest.mark.parametrize("day", ["9999-12-30", "0001-01-01", "2101-01-01", "1999-12-31"])
def test_slot_search_days_beyond_the_calendar(shop, day):
    query = {"service_id": shop.services["Haircut"], "date_from": day}
    public = shop.public.get(f"/api/v1/companies/{shop.company_id}/slots", params=query)
    assert errors(public, where="query") == {"date_from": OUT_OF_DAYS}
    as_staff = shop.api.get("/api/v1/slots", params=query)
    assert errors(as_staff, where="query") == {"date_from": OUT_OF_DAYS}
    events = shop.public.get(f"/api/v1/companies/{shop.company_id}/group-events", params={"date_from": day})
    assert errors(events, where="query") == {"date_from": OUT_OF_DAYS}


def test_slot_search_up_to_the_last_day(shop):
    """The default 14 days stop at the last day rather than passing it."""
    last = shop.slots(["Haircut"], date(2100, 12, 28), date(2100, 12, 31))
    assert [day["date"] for day in last["days"]] == ["2100-12-28", "2100-12-29", "2100-12-30", "2100-12-31"]
    query = {"service_id": shop.services["Haircut"], "date_from": "2100-12-30"}
    found = shop.public.ok("GET", f"/api/v1/companies/{shop.company_id}/slots", params=query)
    assert [day["date"] for day in found["days"]] == ["2100-12-30", "2100-12-31"]


def test_a_time_at_the_end_of_the_calendar(shop):
    day = next_weekday(2)
    phone = "+4915199000002"
    widget = {
        "service_ids": [shop.services["Haircut"]],
        "starts_at": "9999-12-31T23:59-12:00",  # its UTC time is past year 9999
        "client": {"name": "Mallory", "phone": phone},
    }
    response = shop.public.post(f"/api/v1/companies/{shop.company_id}/bookings", widget)
    assert errors(response) == {"starts_at": OUT_OF_DAYS}
    staff = {**widget, "staff_member_id": shop.staff["Anna"]}
    assert errors(shop.api.post("/api/v1/appointments", staff)) == {"starts_at": OUT_OF_DAYS}
    early = {**staff, "starts_at": "0001-01-01T00:00+14:00"}
    assert errors(shop.api.post("/api/v1/appointments", early)) == {"starts_at": OUT_OF_DAYS}
    nothing_booked(shop, day, phone)


def test_a_service_title_with_a_lone_surrogate(shop):
    for title in ("\\uda65", "\\udd44\\uda65", "Cut \\ud800 and dye"):
        body = f'{{"title": "{title}", "duration_minutes": 30, "price_min": 100, "price_max": 100}}'
        response = send(shop.api, "POST", "/api/v1/services", body)
        assert errors(response) == {"title": LONE_SURROGATE}
        service = shop.services["Haircut"]
        assert errors(send(shop.api, "PATCH", f"/api/v1/services/{service}", f'{{"title": "{title}"}}')) == {
            "title": LONE_SURROGATE
        }
    assert [service["title"] for service in shop.api.ok("GET", "/api/v1/services")] == ["Haircut"]

    # a surrogate pair written as two escapes is one character, and a good title
    paired = '{"title": "\\uda65\\udd44", "duration_minutes": 30, "price_min": 100, "price_max": 100}'
    response = send(shop.api, "POST", "/api/v1/services", paired)
    assert response.status_code == 201, response.text
    assert shop.api.ok("GET", f"/api/v1/services/{response.json()['id']}")["title"] == "\U000a9544"


def test_breaks_in_and_out_of_the_window(shop):
    """The fuzzer's 500 was a break in the year 2000 whose note held a lone surrogate."""
    breaks = f"/api/v1/staff/{shop.staff['Anna']}/breaks"
    in_2000 = '{"starts_at": "2000-01-01T10:00:00+00:00", "ends_at": "2000-01-01T10:30:00+00:00", "note": "%s"}'
    assert errors(send(shop.api, "POST", breaks, in_2000 % "\\udd44")) == {"note": LONE_SURROGATE}
    assert errors(send(shop.api, "POST", breaks, in_2000 % "lunch\\u0000")) == {
        "note": ["Must not contain NUL characters."]
    }
    for starts_at, ends_at in [
        ("1999-12-31T10:00:00+00:00", "1999-12-31T11:00:00+00:00"),
        ("9999-12-31T23:00:00-12:00", "9999-12-31T23:30:00-12:00"),
        ("0001-01-01T00:00:00+01:00", "0001-01-01T11:00:00+00:00"),
    ]:
        response = shop.api.post(breaks, {"starts_at": starts_at, "ends_at": ends_at})
        assert errors(response) == {"starts_at": OUT_OF_DAYS, "ends_at": OUT_OF_DAYS}
    calendar = shop.api.ok("GET", "/api/v1/calendar", params={"date": "2000-01-01"})
    assert [b for b in calendar["staff"][0]["breaks"] if b["id"] is not None] == []

    # the first day of the window is a day like any other
    added = send(shop.api, "POST", breaks, in_2000 % "lunch")
    assert added.status_code == 201, added.text
    calendar = shop.api.ok("GET", "/api/v1/calendar", params={"date": "2000-01-01"})
    assert [b["id"] for b in calendar["staff"][0]["breaks"] if b["id"] is not None] == [added.json()["id"]]


def test_a_date_override_with_an_empty_body(shop):
    staff_member = shop.staff["Anna"]
    override = shop.api.put(f"/api/v1/staff/{staff_member}/date-overrides/2000-01-01", {})
    assert override.status_code == 200, override.text
    assert override.json() == {"date": "2000-01-01", "shifts": [], "breaks": []}
    shifts = {"shifts": [{"start": "10:00", "end": "14:00"}]}
    assert shop.api.ok("PUT", f"/api/v1/staff/{staff_member}/date-overrides/2100-12-31", shifts)["shifts"] == [
        {"start": "10:00", "end": "14:00"}
    ]
    for day in ("0001-01-01", "1999-12-31", "9999-12-31", "2027-02-30", "tomorrow"):
        response = shop.api.put(f"/api/v1/staff/{staff_member}/date-overrides/{day}", shifts)
        assert response.status_code == 422, (day, response.text)
        assert set(response.json()["errors"]["json"]) == {"date"}
    hours = shop.api.ok("GET", f"/api/v1/staff/{staff_member}/working-hours")
    assert [entry["date"] for entry in hours["overrides"]] == ["2100-12-31"]  # the days to come
    day_off = shop.api.ok("GET", "/api/v1/calendar", params={"date": "2000-01-01"})  # a Saturday, on FULL_WEEK
    assert day_off["staff"][0]["working"] == []
    assert shop.api.request("DELETE", f"/api/v1/staff/{staff_member}/date-overrides/2000-01-01").status_code == 204


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{'title': 'single quotes'}", 400),
        (b'{"title": "x"} trailing', 400),
        (b'{"title": "\xff\xfe"}', 400),  # not UTF-8
        ('{"title": "x"}'.encode("utf-16"), 400),
        (b'{"duration_minutes": NaN}', 400),
        (b'{"duration_minutes": -Infinity}', 400),
        (b"[" * 100_000 + b"]" * 100_000, 400),  # deeper than a parser can go
        (b'{"title": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400),
        (b"[]", 422),
        (b"null", 422),
        (b'"a service"', 422),
        (b"12", 422),
    ],
)
def test_a_body_that_cannot_be_read_or_is_not_an_object(shop, body, status):
    response = send(shop.api, "POST", "/api/v1/services", body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == status
    assert [service["title"] for service in shop.api.ok("GET", "/api/v1/services")] == ["Haircut"]


def test_deep_nesting_and_other_content_types(shop):
    nested = '{"extra_fields": {"x": ' + "[" * 40 + "]" * 40 + "}}"
    appointment = shop.api.ok("POST", "/api/v1/appointments", {
        "client": {"name": "Walk-in", "phone": "+4915199000003"}, "staff_member_id": shop.staff["Anna"],
        "service_ids": [shop.services["Haircut"]], "starts_at": shop.local(next_weekday(3), 10).isoformat(),
    })["appointment"]  # fmt: skip
    response = send(shop.api, "PATCH", f"/api/v1/appointments/{appointment['id']}", nested)
    assert set(errors(response)) == {"extra_fields"}
    too_big = f'{{"extra_fields": {{"x": {2**70}}}}}'
    assert errors(send(shop.api, "PATCH", f"/api/v1/appointments/{appointment['id']}", too_big)) == {
        "extra_fields": {"x": OUT_OF_64_BITS}
    }
    a_key = '{"extra_fields": {"\\udd44": "x"}}'
    response = send(shop.api, "PATCH", f"/api/v1/appointments/{appointment['id']}", a_key)
    assert response.status_code == 422 and set(errors(response)) == {"extra_fields"}

    service = '{"title": "Trim", "duration_minutes": 30, "price_min": 100, "price_max": 100}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = send(shop.api, "POST", "/api/v1/services", service, headers={"Content-Type": content_type})
        assert response.status_code == 422, response.text
        assert "title" in response.json()["errors"]["json"]  # its fields were not read
    assert [service["title"] for service in shop.api.ok("GET", "/api/v1/services")] == ["Haircut"]
