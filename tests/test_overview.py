"""Overview > Bookings through the gateway: every filter, pages, and deleting under the rights rules."""

import time
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from support.salon import next_weekday
from support.till import take_payment
from test_rights import roles_of, sign_in

DAY = next_weekday(1, after=date.today() + timedelta(days=2))  # a Tuesday a few days ahead
NEXT_DAY = DAY + timedelta(days=1)
OVERVIEW = "/api/v1/bookings-overview"


@dataclass
class Bookings:
    online: int
    by_staff: int
    cancelled: int
    arrived: int
    paid: int
    owner_id: int
    hair: int
    nails: int


@pytest.fixture
def bookings(salon) -> Bookings:
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    hair = salon.api.ok("POST", "/api/v1/service-categories", {"title": "Hair"})["id"]
    nails = salon.api.ok("POST", "/api/v1/service-categories", {"title": "Nails"})["id"]
    salon.add_service("Cut", 30, ["Anna", "Ben"], price=3000, category_id=hair)
    salon.add_service("Manicure", 60, ["Anna", "Ben"], price=4500, category_id=nails)
    olga = {"name": "Olga Ivanova", "phone": "+4915177700001"}
    online = salon.book_online(["Cut"], salon.local(DAY, 10), "Anna", client=olga).json()["appointment"]["id"]

    def staff_booking(services, hour, staff, name, phone, **more):
        client = {"name": name, "phone": phone}
        response = salon.book_as_staff(services, salon.local(NEXT_DAY, hour), staff, client=client, **more)
        assert response.status_code == 201, response.text
        return response.json()["appointment"]["id"]

    vip = salon.api.ok("POST", "/api/v1/appointment-categories", {"title": "VIP", "colour": "#8e44ad"})["id"]
    by_staff = staff_booking(["Manicure"], 11, "Ben", "Peter Brown", "+4915177700002", category_id=vip)
    cancelled = staff_booking(["Cut"], 12, "Ben", "Carla Cancel", "+4915177700003")
    salon.api.ok("POST", f"/api/v1/appointments/{cancelled}/cancel", {})
    arrived = staff_booking(["Cut"], 13, "Anna", "Arno Arrived", "+4915177700004", visit_status="arrived")
    paid = staff_booking(["Cut", "Manicure"], 14, "Anna", "Paula Paid", "+4915177700005")
    take_payment(salon, paid, 7500)
    owner_id = salon.api.ok("GET", "/api/v1/me")["id"]
    return Bookings(online, by_staff, cancelled, arrived, paid, owner_id, hair, nails)


def ids(salon, **query) -> set[int]:
    return {row["id"] for row in salon.api.ok("GET", OVERVIEW, params=query)["rows"]}


def test_every_row_says_who_when_where_and_what(salon, bookings):
    page = salon.api.ok("GET", OVERVIEW)
    assert page["currency"] == "EUR" and page["timezone"] == "Europe/Berlin"
    rows = {row["id"]: row for row in page["rows"]}
    assert set(rows) == {bookings.online, bookings.by_staff, bookings.cancelled, bookings.arrived, bookings.paid}
    online, by_staff = rows[bookings.online], rows[bookings.by_staff]
    assert online["source"] == "widget" and online["created_by"]["kind"] == "client"
    assert online["client"] == {"id": online["client"]["id"], "name": "Olga Ivanova", "phone": "+4915177700001"}
    assert online["staff_member"]["name"] == "Anna" and online["services"][0]["title"] == "Cut"
    assert online["starts_at"].startswith(f"{DAY.isoformat()}T10:00")
    assert by_staff["created_by"] == {"kind": "user", "id": bookings.owner_id, "name": "Owner"}
    assert (by_staff["source"], by_staff["category"]["title"], by_staff["payment_status"]) == (
        "admin",
        "VIP",
        "not_paid",
    )
    assert rows[bookings.paid]["payment_status"] == "paid" and rows[bookings.arrived]["visit_status"] == "arrived"
    assert rows[bookings.cancelled]["state"] == "cancelled"


def test_each_filter_and_their_combination(salon, bookings):
    b = bookings
    everyone = {b.online, b.by_staff, b.cancelled, b.arrived, b.paid}
    today, yesterday = date.today(), date.today() - timedelta(days=1)
    assert ids(salon, created_from=today.isoformat(), created_to=today.isoformat()) == everyone
    assert ids(salon, created_to=yesterday.isoformat()) == set()
    assert ids(salon, visit_from=DAY.isoformat(), visit_to=DAY.isoformat()) == {b.online}
    assert ids(salon, visit_from=NEXT_DAY.isoformat()) == everyone - {b.online}
    ben = salon.staff["Ben"]
    assert ids(salon, staff_member_id=ben) == {b.by_staff, b.cancelled}
    assert ids(salon, staff_member_id=[ben, salon.staff["Anna"]]) == everyone
    assert ids(salon, created_by_user_id=b.owner_id) == everyone - {b.online}
    assert ids(salon, cancelled="cancelled") == {b.cancelled}
    assert ids(salon, cancelled="not_cancelled") == everyone - {b.cancelled}
    assert ids(salon, visit_status="arrived") == {b.arrived}
    assert ids(salon, client="ivanov") == {b.online}
    assert ids(salon, client="77700002") == {b.by_staff}
    assert ids(salon, service_category_id=b.nails) == {b.by_staff, b.paid}
    vip = next(c["id"] for c in salon.api.ok("GET", "/api/v1/appointment-categories") if c["title"] == "VIP")
    assert ids(salon, category_id=vip) == {b.by_staff}
    assert ids(salon, source="online") == {b.online}
    assert ids(salon, source="offline") == everyone - {b.online}
    assert ids(salon, paid="paid_in_full") == {b.paid}
    assert ids(salon, paid="not_paid_in_full") == everyone - {b.paid}
    assert ids(salon, services="with") == everyone and ids(salon, services="without") == set()
    combined = {"staff_member_id": salon.staff["Anna"], "source": "offline", "service_category_id": b.hair,
                "paid": "not_paid_in_full"}  # fmt: skip
    assert ids(salon, **combined) == {b.arrived}
    bad = salon.api.get(OVERVIEW, params={"cancelled": "maybe", "visit_status": "asleep"})
    assert bad.status_code == 422 and {"cancelled", "visit_status"} <= set(bad.json()["errors"]["query"])


def test_pages_follow_the_cursor_in_either_order(salon, bookings):
    for order in ("asc", "desc"):
        seen, cursor = [], None
        while True:
            params = {"sort": "starts_at", "order": order, "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = salon.api.ok("GET", OVERVIEW, params=params)
            seen += [row["starts_at"] for row in page["rows"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 5 and seen == sorted(seen, reverse=order == "desc")
    assert salon.api.get(OVERVIEW, params={"cursor": "not-a-cursor"}).status_code == 422


def test_deleting_keeps_the_row_marked_and_skips_what_the_user_may_not_delete(salon, bookings):
    b = bookings
    role = salon.api.ok(
        "POST", "/api/v1/roles", {"name": "Front desk", "rights": ["view_bookings_overview", "delete_bookings"]}
    )
    desk_user, desk = sign_in(salon, role["id"])
    _, specialist = sign_in(salon, roles_of(salon)["specialist"]["id"])
    refused = specialist.post(f"{OVERVIEW}/delete", {"appointment_ids": [b.online]})
    assert refused.status_code == 403 and "delete_bookings" in refused.json()["message"]

    result = desk.ok("POST", f"{OVERVIEW}/delete", {"appointment_ids": [b.online, b.paid, b.arrived]})
    assert result["deleted"] == [b.online]
    reasons = {skip["id"]: skip["reason"] for skip in result["skipped"]}
    assert set(reasons) == {b.paid, b.arrived}
    assert reasons[b.paid].startswith("paid") and reasons[b.arrived].startswith("arrived")

    rows = {row["id"]: row for row in salon.api.ok("GET", OVERVIEW)["rows"]}
    deleted = rows[b.online]
    assert deleted["state"] == "deleted" and deleted["deleted_by"] == {"id": desk_user["id"], "name": desk_user["name"]}
    assert deleted["deleted_at"]
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    assert all(a["id"] != b.online for column in calendar["staff"] for a in column["appointments"])
    _wait_until_offered(salon, ["Cut"], DAY, salon.local(DAY, 10).isoformat(), "Anna")  # scheduling had the event
    assert salon.book_online(["Cut"], salon.local(DAY, 10), "Anna").status_code == 201

    owner = salon.api.ok("POST", f"{OVERVIEW}/delete", {"appointment_ids": [b.paid, b.arrived, b.online]})
    assert sorted(owner["deleted"]) == sorted([b.paid, b.arrived])
    assert owner["skipped"] == [{"id": b.online, "reason": "already deleted"}]


def _wait_until_offered(salon, services, day, start, staff_name, timeout=10.0):
    deadline = time.monotonic() + timeout
    while start not in salon.starts(services, day, staff_name):
        assert time.monotonic() < deadline, f"{start} was not offered again within {timeout}s"
        time.sleep(0.1)
