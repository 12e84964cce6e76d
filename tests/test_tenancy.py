"""A salon's token reads and changes nothing of another salon's."""

import pytest
from support.salon import next_weekday, open_salon


@pytest.fixture
def two_salons(public):
    salons = []
    for name in ("A", "B"):
        salon = open_salon(public, name=f"Salon {name}")
        salon.add_staff("Anna")
        salon.add_service("Haircut", 60, ["Anna"])
        salons.append(salon)
    return salons


def test_one_salons_token_cannot_reach_anothers_records(two_salons):
    a, b = two_salons
    day = next_weekday(2)
    b_booking = b.book_as_staff(["Haircut"], b.local(day, 10), "Anna").json()["appointment"]
    b_staff, b_service, b_client = b.staff["Anna"], b.services["Haircut"], b_booking["client"]["id"]

    reads = [
        f"/api/v1/staff/{b_staff}",
        f"/api/v1/staff/{b_staff}/working-hours",
        f"/api/v1/services/{b_service}",
        f"/api/v1/appointments/{b_booking['id']}",
        f"/api/v1/clients/{b_client}",
    ]
    for path in reads:
        assert a.api.get(path).status_code == 404, path

    changes = [
        ("PATCH", f"/api/v1/staff/{b_staff}", {"name": "Mallory"}),
        ("PUT", f"/api/v1/staff/{b_staff}/working-hours", {"weekly": []}),
        ("PATCH", f"/api/v1/services/{b_service}", {"title": "Free"}),
        ("POST", f"/api/v1/appointments/{b_booking['id']}/cancel", {}),
        ("POST", f"/api/v1/appointments/{b_booking['id']}/reschedule", {"starts_at": b.local(day, 15).isoformat()}),
    ]
    for method, path, body in changes:
        assert a.api.request(method, path, json=body).status_code == 404, (method, path)

    booking_with_bs_staff = {
        "client": {"name": "X", "phone": "+4915100000009"},
        "staff_member_id": b_staff,
        "service_ids": [b_service],
        "starts_at": b.local(day, 14).isoformat(),
    }
    assert a.api.post("/api/v1/appointments", booking_with_bs_staff).status_code in (404, 422)
    assert a.api.get("/api/v1/clients", params={"q": b_booking["client"]["name"]}).json() == []

    calendar = a.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    assert [column["staff_member"]["id"] for column in calendar["staff"]] == [a.staff["Anna"]]
    assert calendar["staff"][0]["appointments"] == []

    untouched = b.api.ok("GET", f"/api/v1/appointments/{b_booking['id']}")
    assert untouched["state"] == "booked" and untouched["starts_at"] == b_booking["starts_at"]
    assert b.api.ok("GET", f"/api/v1/staff/{b_staff}")["name"] == "Anna"
    assert b.api.ok("GET", f"/api/v1/services/{b_service}")["title"] == "Haircut"
