"""SMS code confirmation before a widget booking, push device memory, and the messages a booking sends."""

import time
from functools import partial

from support.salon import next_weekday
from test_online_booking import WEEKDAY, error_of, one_stylist, settings

from gateway.rpc import RpcClient


def sms_to(salon, phone: str, purpose: str) -> list[dict]:
    query = {"channel": "sms", "recipient": phone, "purpose": purpose}
    return salon.api.ok("GET", "/api/v1/notifications/messages", params=query)


def code_for(salon, phone: str) -> str:
    [latest, *_] = sms_to(salon, phone, "phone_code")
    return latest["body"][:6]


def test_with_sms_confirmation_only_a_confirmed_phone_books(salon):
    one_stylist(salon)
    phone = "+4915100001001"
    client = {"name": "Olga", "phone": phone}
    base = f"/api/v1/companies/{salon.company_id}/phone-confirmations"
    not_needed = salon.public.post(base, {"phone": phone})
    assert not_needed.status_code == 422  # the setting is off: no code, and bookings need none
    assert salon.book_online(["Cut"], salon.local(WEEKDAY, 9), "Anna", client=client).status_code == 201

    settings(salon, sms_confirmation=True)
    unconfirmed = salon.book_online(["Cut"], salon.local(WEEKDAY, 10), "Anna", client=client)
    assert unconfirmed.status_code == 422 and "phone_token" in error_of(unconfirmed)
    sent = salon.public.post(base, {"phone": "0151 00001001"})  # national spelling, normalised
    assert sent.status_code == 202 and sent.json()["phone"] == phone
    again = salon.public.post(base, {"phone": phone})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
    wrong = salon.public.post(
        f"{base}/verify", {"phone": phone, "code": "000000" if code_for(salon, phone) != "000000" else "111111"}
    )
    assert wrong.status_code == 422 and error_of(wrong)["code"] == ["Wrong code."]
    confirmed = salon.public.ok("POST", f"{base}/verify", {"phone": phone, "code": code_for(salon, phone)})
    used = salon.public.post(f"{base}/verify", {"phone": phone, "code": code_for(salon, phone)})
    assert used.status_code == 422  # a code works once
    other_phone = {"name": "Eve", "phone": "+4915100001002"}
    stolen = salon.book_online(
        ["Cut"], salon.local(WEEKDAY, 10), "Anna", client=other_phone, phone_token=confirmed["phone_token"]
    )
    assert stolen.status_code == 422
    booked = salon.book_online(
        ["Cut"], salon.local(WEEKDAY, 10), "Anna", client=client, phone_token=confirmed["phone_token"]
    )
    assert booked.status_code == 201


def test_push_confirmation_remembers_the_device_unless_login_is_required(salon, cluster):
    one_stylist(salon)
    rpc = RpcClient(cluster.amqp_uri, timeout=3)

    def book(hour: int, phone: str) -> int:
        booked = salon.book_online(
            ["Cut"],
            salon.local(WEEKDAY, hour),
            "Anna",
            client={"name": "C", "phone": phone},
            device_token="device-123456",
        ).json()
        return salon.api.ok("GET", f"/api/v1/appointments/{booked['appointment']['id']}")["client_id"]

    client_id = book(9, "+4915100002001")
    assert rpc.call("clients", "client_devices", salon.company_id, client_id) == []  # push confirmation is off
    settings(salon, push_confirmation=True, push_requires_login=True)
    assert rpc.call("clients", "client_devices", salon.company_id, book(10, "+4915100002001")) == []
    settings(salon, push_requires_login=False)
    assert rpc.call("clients", "client_devices", salon.company_id, book(11, "+4915100002001")) == ["device-123456"]


def test_a_booking_sends_a_confirmation_and_changes_send_notices(salon, inbox):
    one_stylist(salon)
    phone, address = "+4915100003001", "olga.notify@example.com"
    day = next_weekday(3, after=WEEKDAY)
    booked = salon.book_online(
        ["Cut"], salon.local(day, 9), "Anna", client={"name": "Olga", "phone": phone, "email": address}
    ).json()
    confirmation = inbox.wait_for(address)
    assert booked["link_token"] in confirmation.get_content()
    link = f"/api/v1/bookings/{booked['link_token']}"
    salon.public.ok("POST", f"{link}/reschedule", {"starts_at": salon.local(day, 11).isoformat()})
    salon.public.ok("POST", f"{link}/cancel")
    assert len(inbox.to(address)) >= 1
    for purpose in ("appointment_created", "appointment_rescheduled", "appointment_cancelled"):
        assert len(_wait(partial(sms_to, salon, phone, purpose))) == 1, purpose
    assert len(_wait(partial(inbox.to, address), count=3)) == 3


def _wait(read, count: int = 1, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while True:
        found = read()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)
