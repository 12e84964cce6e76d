"""A client booking online through bookings itself: the contact fields and the phone confirmation
are checked for every caller, the client's card is found or created only once the booking has
passed every check, and an existing card is never changed by what the client typed."""

from datetime import UTC, datetime, timedelta

import pytest
from tests.integration.rpc import PHONE_TOKEN_SECRET, rpc

from bookings.exceptions import SlotTaken
from salon_infra import phone_tokens
from salon_infra.errors import InvalidInput

SOON = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def service(uow, scheduling, clients):
    return rpc(uow, scheduling, clients)


def online(service, company_id, starts_at=SOON, phone="0151 23456789", name="Web Client", key=None, **more):
    booking = {
        "client": {"name": name, "phone": phone, "email": more.pop("email", "web@example.com")},
        "online_client": {"default_region": "DE", **more.pop("online_client", {})},
        "staff_member_ids": [5],
        "service_ids": [1],
        "starts_at": starts_at.isoformat(),
        "source": "widget",
        "idempotency_key": key,
        **more,
    }
    return service.create_appointment(company_id, booking)


def test_an_online_booking_finds_or_creates_the_card_and_keeps_what_the_client_typed(service, clients, company_id):
    booked = online(service, company_id)["appointment"]
    [(company, sent, region, fill_in)] = clients.calls
    assert (company, sent["phone"], region, fill_in) == (company_id, "+4915123456789", "DE", False)
    card = clients.cards["+4915123456789"]
    assert booked["client_id"] == card["id"] and booked["created_by"] == {"kind": "client", "id": card["id"]}
    assert (booked["client_name"], booked["client_phone"], booked["client_email"]) == (
        "Web Client",
        "+4915123456789",
        "web@example.com",
    )


def test_a_booking_that_fails_writes_no_card(service, scheduling, clients, company_id):
    scheduling.required_contact = {"email", "comment"}
    with pytest.raises(InvalidInput) as refused:
        online(service, company_id, email=None)
    assert refused.value.errors == {
        "comment": ["This field is required."],
        "client": {"email": ["This field is required."]},
    }
    scheduling.required_contact = set()
    scheduling.off_duty.add(5)
    with pytest.raises(InvalidInput, match="nobody can take"):
        online(service, company_id)
    scheduling.off_duty.clear()
    with pytest.raises(InvalidInput) as refused:
        online(service, company_id, phone="12345")
    assert refused.value.errors == {"client": {"phone": ["'12345' is not a valid phone number"]}}
    assert clients.calls == []  # nothing written anywhere


def test_the_phone_confirmation_is_enforced_for_every_caller(service, scheduling, clients, company_id):
    scheduling.rules = {"sms_confirmation": True, "remember_device": True}
    with pytest.raises(InvalidInput) as refused:
        online(service, company_id)
    assert "phone_token" in refused.value.errors
    for source in ("admin", "mobile", "import"):  # a caller cannot call itself staff to skip the confirmation
        with pytest.raises(InvalidInput) as refused:
            online(service, company_id, source=source)
        assert "client_id" in refused.value.errors
    forged = phone_tokens.issue("another-secret-entirely", company_id, "+4915123456789")
    theirs = phone_tokens.issue(PHONE_TOKEN_SECRET, company_id + 1, "+4915123456789")
    other_phone = phone_tokens.issue(PHONE_TOKEN_SECRET, company_id, "+4915199999999")
    for token, field in ((forged, "phone_token"), (theirs, "phone_token"), (other_phone, "client")):
        with pytest.raises(InvalidInput) as refused:
            online(service, company_id, online_client={"phone_token": token})
        assert field in refused.value.errors
    assert clients.calls == []
    token = phone_tokens.issue(PHONE_TOKEN_SECRET, company_id, "+4915123456789")
    booked = online(service, company_id, online_client={"phone_token": token, "device_token": "device-0001"})
    assert booked["appointment"]["client_phone"] == "+4915123456789"
    assert clients.devices == [(company_id, booked["appointment"]["client_id"], "device-0001")]


def test_a_retry_with_a_fresh_proof_replays_the_same_booking(service, scheduling, company_id):
    scheduling.rules = {"sms_confirmation": True, "remember_device": False}
    first_token = phone_tokens.issue(PHONE_TOKEN_SECRET, company_id, "+4915123456789")
    first = online(service, company_id, key="retry-1", online_client={"phone_token": first_token})
    second_token = phone_tokens.issue(PHONE_TOKEN_SECRET, company_id, "+4915123456789") + ""
    again = online(service, company_id, key="retry-1", online_client={"phone_token": second_token})
    assert again["replayed"] and again["appointment"]["id"] == first["appointment"]["id"]


def test_staff_name_the_card_and_an_online_caller_must_bring_a_phone(service, company_id):
    with pytest.raises(InvalidInput, match="client"):
        service.create_appointment(
            company_id,
            {
                "client": {"name": "No Phone"},
                "staff_member_ids": [5],
                "service_ids": [1],
                "starts_at": SOON.isoformat(),
                "source": "widget",
            },
        )
    with pytest.raises(InvalidInput, match="client_id"):
        service.create_appointment(
            company_id,
            {
                "client": {"name": "X", "phone": "+4915111111111"},
                "staff_member_ids": [5],
                "service_ids": [1],
                "starts_at": SOON.isoformat(),
                "source": "admin",
                "created_by": {"kind": "user", "id": 1},
            },
        )


def test_an_online_seat_checks_and_finds_the_card_the_same_way(service, scheduling, clients, company_id):
    event = service.create_group_event(
        company_id,
        {
            "staff_member_id": 5,
            "service_id": 4,
            "starts_at": SOON.isoformat(),
            "capacity": 2,
            "created_by": {"kind": "user", "id": 1},
        },
    )["group_event"]
    scheduling.required_contact = {"email"}
    with pytest.raises(InvalidInput) as refused:
        service.book_seat(
            company_id,
            event["id"],
            {
                "client": {"name": "Z", "phone": "0151 22222222"},
                "source": "widget",
                "online_client": {"default_region": "DE"},
            },
        )
    assert refused.value.errors == {"client": {"email": ["This field is required."]}} and clients.calls == []
    seat = service.book_seat(
        company_id,
        event["id"],
        {
            "client": {"name": "Z", "phone": "0151 22222222", "email": "z@example.com"},
            "source": "widget",
            "online_client": {"default_region": "DE"},
        },
    )["appointment"]
    assert seat["group_event_id"] == event["id"] and seat["client_email"] == "z@example.com"
    assert seat["created_by"]["kind"] == "client"


def test_a_taken_slot_still_refuses_an_online_booking(service, company_id):
    online(service, company_id, phone="0151 33333333")
    with pytest.raises(SlotTaken):
        online(service, company_id, phone="0151 44444444")
