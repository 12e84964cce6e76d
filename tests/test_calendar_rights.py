"""Who may do what in the calendar: full calendar rights see and change every column; a specialist
linked to a staff member only their own, without other staff members' clients; nobody else any."""

from datetime import date, timedelta

import pytest
from support.salon import next_weekday
from test_rights import PASSWORD, as_user, roles_of

DAY = next_weekday(4, after=date.today() + timedelta(days=3))  # a Friday some days ahead


@pytest.fixture
def team(salon):
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    salon.add_service("Cut", 60, ["Anna", "Ben"])
    salon.add_service("Yoga", 60, ["Anna", "Ben"], group_capacity=4)
    return salon


def user(salon, email, role_name=None, role_id=None, staff=None):
    role_id = role_id or roles_of(salon)[role_name]["id"]
    body = {
        "name": email,
        "email": email,
        "password": PASSWORD,
        "role_id": role_id,
        "staff_member_id": salon.staff[staff] if staff else None,
    }
    salon.api.ok("POST", "/api/v1/users", body)
    return as_user(salon, email)


def booked(salon, staff, hour, name) -> dict:
    client = {"name": name, "phone": f"+49151777{hour:02d}{len(name):03d}"}
    response = salon.book_as_staff(["Cut"], salon.local(DAY, hour), staff, client=client)
    assert response.status_code == 201, response.text
    return response.json()["appointment"]


def test_every_staff_endpoint_names_a_right_of_the_catalogue(team):
    from gateway import rights

    catalogue = {right["name"] for right in team.api.ok("GET", "/api/v1/rights")}
    assert catalogue == rights.ALL


def test_a_specialist_sees_and_changes_only_their_own_column(team):
    anna_visit, ben_visit = booked(team, "Anna", 10, "Anna's client"), booked(team, "Ben", 10, "Ben's client")
    anna = user(team, "anna@example.com", "specialist", staff="Anna")
    calendar = anna.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    [mine] = calendar["staff"]
    assert mine["staff_member"]["name"] == "Anna" and [a["id"] for a in mine["appointments"]] == [anna_visit["id"]]
    assert "Ben's client" not in str(calendar)
    # Ben's appointment, his client's card and his week are not hers to read or change.
    assert anna.get(f"/api/v1/appointments/{ben_visit['id']}").status_code == 404
    assert anna.patch(f"/api/v1/appointments/{ben_visit['id']}", {"comment": "mine now"}).status_code == 404
    assert anna.post(f"/api/v1/appointments/{ben_visit['id']}/cancel", {}).status_code == 404
    assert (
        anna.post(f"/api/v1/appointments/{ben_visit['id']}/visit-status", {"visit_status": "arrived"}).status_code
        == 404
    )
    week = anna.get("/api/v1/calendar/week", params={"date": DAY.isoformat(), "staff_member_id": team.staff["Ben"]})
    assert week.status_code == 403
    booking = {
        "service_ids": [team.services["Cut"]],
        "staff_member_id": team.staff["Ben"],
        "starts_at": team.local(DAY, 12).isoformat(),
        "client": {"name": "X", "phone": "+4915177799999"},
    }
    assert anna.post("/api/v1/appointments", booking).status_code == 403
    assert (
        anna.post(
            f"/api/v1/staff/{team.staff['Ben']}/breaks",
            {"starts_at": team.local(DAY, 15).isoformat(), "ends_at": team.local(DAY, 16).isoformat()},
        ).status_code
        == 403
    )
    moved = anna.post(
        f"/api/v1/appointments/{anna_visit['id']}/reschedule",
        {"starts_at": team.local(DAY, 14).isoformat(), "staff_member_id": team.staff["Ben"]},
    )
    assert moved.status_code == 403
    assert team.api.ok("GET", f"/api/v1/appointments/{ben_visit['id']}")["comment"] == ""
    # Her own column is hers to work.
    assert anna.ok("POST", "/api/v1/appointments", {**booking, "staff_member_id": team.staff["Anna"]})
    edited = anna.ok("PATCH", f"/api/v1/appointments/{anna_visit['id']}", {"comment": "Prefers quiet"})
    assert edited["comment"] == "Prefers quiet"
    assert anna.ok("POST", f"/api/v1/appointments/{anna_visit['id']}/visit-status", {"visit_status": "arrived"})
    assert (
        anna.post(
            f"/api/v1/staff/{team.staff['Anna']}/breaks",
            {"starts_at": team.local(DAY, 16).isoformat(), "ends_at": team.local(DAY, 16, 30).isoformat()},
        ).status_code
        == 201
    )
    # She may not delete (no delete_bookings): the server refuses even if the page offered it.
    assert anna.request("DELETE", f"/api/v1/appointments/{anna_visit['id']}").status_code == 403


def test_a_specialist_finds_and_reads_only_their_own_clients(team):
    anna_visit, ben_visit = booked(team, "Anna", 9, "Clara Anna-client"), booked(team, "Ben", 9, "Clara Ben-client")
    anna = user(team, "anna.clients@example.com", "specialist", staff="Anna")
    found = anna.ok("GET", "/api/v1/clients", params={"q": "Clara"})
    assert [client["name"] for client in found] == ["Clara Anna-client"]
    assert anna.ok("GET", f"/api/v1/clients/{anna_visit['client_id']}")["name"] == "Clara Anna-client"
    assert anna.get(f"/api/v1/clients/{ben_visit['client_id']}").status_code == 404
    owner = team.api.ok("GET", "/api/v1/clients", params={"q": "Clara"})
    assert sorted(client["name"] for client in owner) == ["Clara Anna-client", "Clara Ben-client"]


def test_a_user_without_rights_reads_nothing_of_the_salon_but_who_they_are(team):
    role = team.api.ok("POST", "/api/v1/roles", {"name": "Nobody", "rights": []})
    nobody = user(team, "nobody@example.com", role_id=role["id"])
    assert nobody.ok("GET", "/api/v1/me")["rights"] == []
    for path in ("/api/v1/staff", "/api/v1/services", "/api/v1/service-categories", "/api/v1/appointment-categories",
                 "/api/v1/appointment-extra-fields", "/api/v1/online-booking-settings", "/api/v1/rights",
                 f"/api/v1/staff/{team.staff['Anna']}/working-hours", "/api/v1/clients?q=a"):  # fmt: skip
        assert nobody.get(path).status_code == 403, path


def test_a_specialists_group_events_are_theirs_alone(team):
    event = team.api.ok(
        "POST",
        "/api/v1/group-events",
        {
            "staff_member_id": team.staff["Ben"],
            "service_id": team.services["Yoga"],
            "starts_at": team.local(DAY, 17).isoformat(),
        },
    )
    anna = user(team, "anna.events@example.com", "specialist", staff="Anna")
    assert anna.get(f"/api/v1/group-events/{event['id']}").status_code == 403
    seat = anna.post(f"/api/v1/group-events/{event['id']}/seats", {"client": {"name": "Z", "phone": "+4915177788888"}})
    assert seat.status_code == 403
    assert (
        anna.post(
            "/api/v1/group-events",
            {
                "staff_member_id": team.staff["Ben"],
                "service_id": team.services["Yoga"],
                "starts_at": team.local(DAY, 9).isoformat(),
            },
        ).status_code
        == 403
    )


def test_full_calendar_rights_see_every_column_and_no_rights_see_none(team):
    booked(team, "Anna", 9, "Early Client")
    booked(team, "Ben", 11, "Later Client")
    desk_role = team.api.ok("POST", "/api/v1/roles", {"name": "Front desk", "rights": ["calendar_all_staff"]})
    desk = user(team, "desk@example.com", role_id=desk_role["id"])
    calendar = desk.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    assert [c["staff_member"]["name"] for c in calendar["staff"]] == ["Anna", "Ben"]
    assert desk.ok("GET", "/api/v1/clients", params={"q": "Client"})
    nothing_role = team.api.ok("POST", "/api/v1/roles", {"name": "Bookkeeper", "rights": ["export_data"]})
    nobody = user(team, "books@example.com", role_id=nothing_role["id"])
    refused = nobody.get("/api/v1/calendar", params={"date": DAY.isoformat()})
    assert refused.status_code == 403 and "calendar_all_staff" in refused.json()["message"]
    assert nobody.get("/api/v1/clients", params={"q": "Client"}).status_code == 403
    unlinked = user(team, "unlinked@example.com", "specialist")
    refused = unlinked.get("/api/v1/calendar", params={"date": DAY.isoformat()})
    assert refused.status_code == 403 and "not linked" in refused.json()["message"]


def test_the_built_in_roles_carry_the_calendar_rights(team):
    roles = roles_of(team)
    assert "calendar_own_column" in roles["specialist"]["rights"]
    assert "calendar_all_staff" not in roles["specialist"]["rights"]
    assert {"calendar_all_staff", "calendar_own_column"} <= set(roles["administrator"]["rights"])
