"""Every online booking setting, enforced by the server through the public widget API, on and off."""

from datetime import date, timedelta

from support.salon import next_weekday
from test_booking_path import wait_until_gone

WEEKDAY = next_weekday(2, after=date.today() + timedelta(days=3))  # a Wednesday at least 4 days ahead


def settings(salon, **changes):
    return salon.api.ok("PUT", "/api/v1/online-booking-settings", changes)


def times(starts: list[str]) -> list[str]:
    return [start[11:16] for start in starts]


def error_of(response) -> dict:
    return response.json().get("errors", {}).get("json", {})


def one_stylist(salon, **staff_fields):
    salon.add_staff("Anna", **staff_fields)
    salon.add_service("Cut", 30, ["Anna"])


# ---------------------------------------------------------------- slot timing


def test_display_interval_offers_the_earliest_free_start_of_each_period(salon):
    one_stylist(salon)
    assert times(salon.starts(["Cut"], WEEKDAY))[:4] == ["09:00", "09:15", "09:30", "09:45"]
    settings(salon, display_interval_minutes=60)
    assert times(salon.starts(["Cut"], WEEKDAY))[:3] == ["09:00", "10:00", "11:00"]
    salon.book_as_staff(["Cut"], salon.local(WEEKDAY, 10), "Anna")  # 10:00-10:30 taken
    wait_until_gone(salon, ["Cut"], WEEKDAY, salon.local(WEEKDAY, 10).isoformat())
    assert times(salon.starts(["Cut"], WEEKDAY))[:3] == ["09:00", "10:30", "11:00"]
    settings(salon, display_interval_minutes=None)
    assert "09:15" in times(salon.starts(["Cut"], WEEKDAY))


def test_search_interval_is_the_grid_of_starts_and_online_bookings(salon):
    one_stylist(salon)
    settings(salon, search_interval_minutes=30)
    assert times(salon.starts(["Cut"], WEEKDAY))[:3] == ["09:00", "09:30", "10:00"]
    refused = salon.book_online(["Cut"], salon.local(WEEKDAY, 9, 15), "Anna")
    assert refused.status_code == 422 and "30-minute grid" in str(error_of(refused))
    settings(salon, search_interval_minutes=15)
    assert salon.book_online(["Cut"], salon.local(WEEKDAY, 9, 15), "Anna").status_code == 201


def test_search_window_bounds_the_starts_and_staff_and_services_override_it(salon):
    one_stylist(salon)
    settings(salon, search_from="10:00", search_until="12:00")
    offered = times(salon.starts(["Cut"], WEEKDAY))
    assert offered[0] == "10:00" and offered[-1] == "12:00"
    assert salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna").status_code == 422
    salon.api.ok("PATCH", f"/api/v1/staff/{salon.staff['Anna']}", {"search_from": "14:00", "search_until": "18:00"})
    assert times(salon.starts(["Cut"], WEEKDAY))[0] == "14:00"
    service = salon.services["Cut"]
    salon.api.ok("PATCH", f"/api/v1/services/{service}", {"search_from": "16:00", "search_interval_minutes": 60})
    assert times(salon.starts(["Cut"], WEEKDAY))[:2] == ["16:00", "17:00"]
    settings(salon, search_from="00:00", search_until="23:59")
    wrong = salon.api.put("/api/v1/online-booking-settings", {"search_from": "18:00", "search_until": "09:00"})
    assert wrong.status_code == 422 and "search_until" in error_of(wrong)


def test_buffer_time_keeps_online_bookings_away_from_now(salon):
    one_stylist(salon)
    tomorrow = date.today() + timedelta(days=1)
    assert salon.starts(["Cut"], tomorrow)
    settings(salon, buffer_minutes=3 * 24 * 60)
    assert salon.starts(["Cut"], tomorrow) == []
    refused = salon.book_online(["Cut"], salon.local(tomorrow, 12), "Anna")
    assert refused.status_code == 422 and "at least 4320 minutes" in str(error_of(refused))
    assert salon.book_as_staff(["Cut"], salon.local(tomorrow, 12), "Anna").status_code == 201  # staff may
    settings(salon, buffer_minutes=0)
    assert salon.book_online(["Cut"], salon.local(tomorrow, 13), "Anna").status_code == 201


# ---------------------------------------------------------------- client changes


def test_the_cutoff_closes_reschedule_and_cancel_by_link(salon):
    one_stylist(salon)
    booked = salon.book_online(["Cut"], salon.local(WEEKDAY, 10), "Anna").json()
    link = f"/api/v1/bookings/{booked['link_token']}"
    settings(salon, change_cutoff_minutes=48 * 60)
    assert salon.public.post(f"{link}/cancel").status_code == 200  # more than 48 h ahead
    near = date.today() + timedelta(days=1)
    soon = salon.book_online(["Cut"], salon.local(near, 17), "Anna").json()
    soon_link = f"/api/v1/bookings/{soon['link_token']}"
    closed = salon.public.post(f"{soon_link}/cancel")
    assert closed.status_code == 409 and "48 h before" in closed.json()["message"]
    moved = salon.public.post(f"{soon_link}/reschedule", {"starts_at": salon.local(near, 16).isoformat()})
    assert moved.status_code == 409
    settings(salon, change_cutoff_minutes=0)
    assert salon.public.post(f"{soon_link}/cancel").json()["state"] == "cancelled"


def test_the_cutoff_takes_15_minute_steps_up_to_48_hours(salon):
    for bad in (10, 48 * 60 + 15, -15):
        response = salon.api.put("/api/v1/online-booking-settings", {"change_cutoff_minutes": bad})
        assert response.status_code == 422 and "change_cutoff_minutes" in error_of(response)
    assert settings(salon, change_cutoff_minutes=135)["change_cutoff_minutes"] == 135


# ---------------------------------------------------------------- contact fields


def test_required_and_hidden_email_and_comment(salon):
    one_stylist(salon)
    client = {"name": "Olga", "phone": "+4915100000001"}
    settings(salon, email_field="required", comment_field="required", comment_label="Car number")
    public = salon.public.ok("GET", f"/api/v1/companies/{salon.company_id}/online-booking")
    assert public["fields"]["comment"] == {"mode": "required", "label": "Car number"}
    refused = salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna", client=client)
    assert refused.status_code == 422
    assert error_of(refused) == {"comment": ["Car number is required."], "client": {"email": ["email is required."]}}
    ok = salon.book_online(
        ["Cut"], salon.local(WEEKDAY, 9), "Anna", client={**client, "email": "olga@example.com"}, comment="B-123"
    )
    assert ok.status_code == 201
    settings(salon, email_field="hidden", comment_field="optional")
    hidden = salon.book_online(["Cut"], salon.local(WEEKDAY, 10), "Anna", client={**client, "email": "o@example.com"})
    assert hidden.status_code == 422 and "email" in error_of(hidden)["client"]
    assert salon.book_online(["Cut"], salon.local(WEEKDAY, 10), "Anna", client=client).status_code == 201


def test_last_and_middle_name_can_be_required_only_while_the_calendar_shows_them(salon):
    one_stylist(salon)
    refused = salon.api.put("/api/v1/online-booking-settings", {"last_name_field": "required"})
    assert refused.status_code == 422 and "appointment calendar" in str(error_of(refused)["last_name_field"])
    salon.api.ok("PATCH", "/api/v1/company", {"last_name_field_enabled": True, "middle_name_field_enabled": True})
    settings(salon, last_name_field="required", middle_name_field="required", contact_step_message="Bring shoes")
    public = salon.public.ok("GET", f"/api/v1/companies/{salon.company_id}/online-booking")
    assert public["contact_step_message"] == "Bring shoes" and public["fields"]["last_name"]["mode"] == "required"
    client = {"name": "Olga", "phone": "+4915100000002"}
    missing = salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna", client=client)
    assert set(error_of(missing)["client"]) == {"last_name", "middle_name"}
    full = {**client, "last_name": "Ivanova", "middle_name": "Petrovna"}
    booked = salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna", client=full)
    assert booked.status_code == 201
    appointment = salon.api.ok("GET", f"/api/v1/appointments/{booked.json()['appointment']['id']}")
    assert (appointment["client"]["last_name"], appointment["client"]["middle_name"]) == ("Ivanova", "Petrovna")
    salon.api.ok("PATCH", "/api/v1/company", {"last_name_field_enabled": False})
    assert settings(salon)["last_name_field"] == "hidden"  # switched off with the calendar's field


# ---------------------------------------------------------------- who takes the booking


def test_any_specialist_mode_and_its_pool(salon):
    salon.add_staff("Anna", in_any_specialist_pool=False)
    salon.add_staff("Ben")
    salon.add_service("Cut", 30, ["Anna", "Ben"])
    day = salon.slots(["Cut"], WEEKDAY)["days"][0]
    assert {staff_id for slot in day["slots"] for staff_id in slot["staff_member_ids"]} == {salon.staff["Ben"]}
    first = salon.book_online(["Cut"], salon.local(WEEKDAY, 9)).json()
    assert first["appointment"]["staff_member"]["id"] == salon.staff["Ben"]
    taken = salon.book_online(["Cut"], salon.local(WEEKDAY, 9))
    assert taken.status_code == 409  # Anna is free, but not in the pool
    settings(salon, any_specialist=False)
    query = {"service_id": salon.services["Cut"], "date_from": WEEKDAY.isoformat()}
    refused = salon.public.get(f"/api/v1/companies/{salon.company_id}/slots", params=query)
    assert refused.status_code == 422 and "staff_member_id" in error_of(refused)
    assert salon.book_online(["Cut"], salon.local(WEEKDAY, 10)).status_code == 422
    assert salon.book_online(["Cut"], salon.local(WEEKDAY, 10), "Anna").status_code == 201


def test_the_employee_for_online_booking_takes_every_online_booking(salon):
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    salon.add_service("Cut", 30, ["Anna", "Ben"])
    settings(salon, online_staff_member_id=salon.staff["Ben"])
    assert (
        salon.public.ok("GET", f"/api/v1/companies/{salon.company_id}/online-booking")["staff_member_id"]
        == (salon.staff["Ben"])
    )
    day = salon.slots(["Cut"], WEEKDAY, staff_name="Anna")["days"][0]
    assert {tuple(slot["staff_member_ids"]) for slot in day["slots"]} == {(salon.staff["Ben"],)}
    asked_for_anna = salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna").json()
    assert asked_for_anna["appointment"]["staff_member"]["id"] == salon.staff["Ben"]
    settings(salon, online_staff_member_id=None)
    again = salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna").json()
    assert again["appointment"]["staff_member"]["id"] == salon.staff["Anna"]


def test_prepayment_with_any_specialist_follows_only_the_services_rule(salon):
    salon.add_staff("Anna", prepayment="required")
    salon.add_service("Cut", 30, ["Anna"])
    salon.add_service("Colour", 30, ["Anna"], prepayment="required")

    def prepaid(services, hour, staff=None):
        booked = salon.book_online(services, salon.local(WEEKDAY, hour), staff).json()
        return salon.api.ok("GET", f"/api/v1/appointments/{booked['appointment']['id']}")["prepayment_required"]

    assert prepaid(["Cut"], 9, "Anna") is False  # online payment is off
    settings(salon, online_payment=True)
    assert prepaid(["Cut"], 10, "Anna") is True  # the chosen staff member's rule
    assert prepaid(["Cut"], 11) is False  # "any": only the service's rule
    assert prepaid(["Colour"], 12) is True


def test_cancelling_a_prepaid_booking_leaves_the_refund_to_an_administrator(salon):
    one_stylist(salon)
    salon.api.ok("POST", "/api/v1/cash-desks", {"title": "Till", "kind": "cash"})
    booked = salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna").json()
    appointment_id = booked["appointment"]["id"]

    def pay(amount):
        return salon.api.post(f"/api/v1/appointments/{appointment_id}/payments", {"method": "cash", "amount": amount},
                              headers={"Idempotency-Key": f"prepaid-{appointment_id}-{amount}"})  # fmt: skip

    assert pay(3001).status_code == 409
    assert pay(3000).json()["bill"]["payment_status"] == "paid"
    salon.public.ok("POST", f"/api/v1/bookings/{booked['link_token']}/cancel")
    cancelled = salon.api.ok("GET", f"/api/v1/appointments/{appointment_id}/bill")
    assert (cancelled["state"], cancelled["paid"]) == ("cancelled", 3000)
    assert cancelled["refund_status"] == "manual_refund_required"
    unpaid = salon.book_online(["Cut"], salon.local(WEEKDAY, 10), "Anna").json()
    salon.public.ok("POST", f"/api/v1/bookings/{unpaid['link_token']}/cancel")
    assert salon.api.ok("GET", f"/api/v1/appointments/{unpaid['appointment']['id']}/bill")["refund_status"] is None


# ---------------------------------------------------------------- the client card


def test_an_anonymous_booking_never_puts_its_email_on_an_existing_card(salon):
    """Fault 1 of the hardening issue: a failed widget booking wrote the email it carried onto the
    existing card that had none, and from then on that client's confirmations, with the link to
    move or cancel, went to whoever sent it."""
    one_stylist(salon)
    phone = "+4915123987654"
    made = salon.book_as_staff(["Cut"], salon.local(WEEKDAY, 9), "Anna", client={"name": "Anna", "phone": phone})
    assert made.status_code == 201, made.text

    def card() -> dict:
        [found] = salon.api.ok("GET", "/api/v1/clients", params={"q": phone[-8:]})
        return found

    assert card()["email"] is None
    past = salon.book_online(["Cut"], salon.local(date.today() - timedelta(days=2), 10), "Anna",
                             client={"name": "Someone", "phone": phone, "email": "intruder@example.com"})  # fmt: skip
    assert past.status_code == 422
    assert card()["email"] is None  # the refused booking wrote nothing
    booked = salon.book_online(["Cut"], salon.local(WEEKDAY, 11), "Anna",
                               client={"name": "Someone", "phone": phone, "email": "intruder@example.com"})  # fmt: skip
    assert booked.status_code == 201, booked.text
    assert card()["email"] is None and card()["name"] == "Anna"  # only staff, or its owner, change the card
