"""Rate limits and the daily SMS cap, through a gateway with small limits and one trusted proxy in
front (this test client, at 127.0.0.1, plays the proxy and writes X-Forwarded-For), on the system's
services and Redis. Every client address here is a new one, and every test opens its own salons, so
the tests count apart. The gateway runs 2 workers: they count in the same Redis.

The faults they close (issue 11): logins, signups, widget bookings and phone codes were not limited;
one per-IP limit held for every client behind the ingress; an SMS code over the salon's daily cap
was a 500 and kept its code reserved, and no one could see the counter.
"""

import itertools
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import redis
from support.api import Api, new_key
from support.salon import OWNER_PASSWORD, next_weekday, open_salon

from gateway.rpc import RpcClient
from salon_infra.testing import free_port

DAY = next_weekday(2, after=date.today() + timedelta(days=3))
LIMITS = {
    "login_per_account": "3 per minute",
    "login_per_address": "5 per minute",
    "signup_per_address": "2 per minute",
    # Per address by the minute, per salon by the hour: the address is checked first, and a request
    # it refuses does not count against the salon.
    "widget_bookings_per_address": "2 per minute",
    "widget_bookings_per_company": "4 per hour",
    "phone_codes_per_address": "1 per minute",
    "phone_codes_per_company": "2 per hour",
}
_addresses = (f"203.0.113.{n}" if n < 255 else f"198.51.100.{n - 254}" for n in itertools.count(1))
_phones = (f"+4915177{n:06d}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def limited(cluster):
    """The gateway behind the ingress, as the manifests set it (TRUSTED_PROXY_HOPS=1), with small limits."""
    port, prefix = free_port(), f"limited-{secrets.token_hex(4)}:"
    gateway = cluster.gateway_process(
        "limited-gateway", port, redis_prefix=prefix, rate_limits=LIMITS, trusted_proxy_hops=1
    )
    gateway.start()
    try:
        gateway.wait_healthy()
        yield SimpleNamespace(gateway_url=f"http://127.0.0.1:{port}", redis_url=cluster.redis_url, redis_prefix=prefix,
                              amqp_uri=cluster.amqp_uri)  # fmt: skip
    finally:
        gateway.stop()


def client(cluster, address: str | None = None) -> Api:
    """A client somewhere on the internet, as the proxy forwards it."""
    return Api(cluster.gateway_url, headers={"X-Forwarded-For": address or next(_addresses)})


def salon_of(cluster, sms_confirmation=False):
    salon = open_salon(client(cluster))  # its owner, from an address of their own
    salon.add_staff("Anna")
    salon.add_service("Cut", 30, ["Anna"])
    if sms_confirmation:
        salon.api.ok("PUT", "/api/v1/online-booking-settings", {"sms_confirmation": True})
    return salon


def refused(response, limit: str) -> dict:
    """A 429 naming the limit, with a Retry-After in whole seconds."""
    assert response.status_code == 429, f"{response.status_code}: {response.text}"
    body = response.json()
    assert body["code"] == 429 and body["limit"]["name"] == limit, body
    assert int(response.headers["Retry-After"]) > 0
    return body


def login(cluster, address: str, company_id: int, email: str, password: str):
    credentials = {"company_id": company_id, "email": email, "password": password}
    return client(cluster, address).post("/api/v1/auth/login", credentials)


# ---------------------------------------------------------------- sign-in and signup


def test_failed_sign_ins_are_limited_per_account_whatever_the_address(limited):
    salon = salon_of(limited)
    first, second = next(_addresses), next(_addresses)
    for _ in range(5):  # signing in right counts against nothing
        assert login(limited, first, salon.company_id, salon.owner_email, OWNER_PASSWORD).status_code == 200
    for _ in range(3):
        assert login(limited, first, salon.company_id, salon.owner_email, "wrong").status_code == 401
    body = refused(login(limited, second, salon.company_id, salon.owner_email.upper(), "wrong"), "login_per_account")
    assert int(body["message"].split("try again in ")[1].split()[0]) <= 60
    # Over the limit the password is not even checked: the right one waits too.
    refused(login(limited, second, salon.company_id, salon.owner_email, OWNER_PASSWORD), "login_per_account")
    other = salon_of(limited)  # another account, from the same address, is not held up
    assert login(limited, second, other.company_id, other.owner_email, OWNER_PASSWORD).status_code == 200


def test_failed_sign_ins_are_limited_per_address_whatever_the_account(limited):
    salon = salon_of(limited)
    flooding, elsewhere = next(_addresses), next(_addresses)
    for n in range(5):
        assert login(limited, flooding, salon.company_id, f"nobody{n}@example.com", "guess").status_code == 401
    refused(login(limited, flooding, salon.company_id, "nobody9@example.com", "guess"), "login_per_address")
    refused(login(limited, flooding, salon.company_id, salon.owner_email, OWNER_PASSWORD), "login_per_address")
    assert login(limited, elsewhere, salon.company_id, "nobody9@example.com", "guess").status_code == 401
    assert login(limited, elsewhere, salon.company_id, salon.owner_email, OWNER_PASSWORD).status_code == 200


def test_signup_is_limited_per_address(limited):
    address = next(_addresses)
    for _ in range(2):
        open_salon(client(limited, address))
    signup = {
        "company": {"name": "One too many", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"},
        "owner": {"name": "Owner", "email": "one.too.many@example.com", "password": OWNER_PASSWORD},
    }
    refused(client(limited, address).post("/api/v1/signup", signup), "signup_per_address")
    assert client(limited).post("/api/v1/signup", signup).status_code == 201


# ---------------------------------------------------------------- the widget


def book(cluster, salon, address: str, hour: int, minute: int = 0):
    body = {
        "service_ids": [salon.services["Cut"]],
        "staff_member_id": salon.staff["Anna"],
        "starts_at": salon.local(DAY, hour, minute).isoformat(),
        "client": {"name": "Client", "phone": next(_phones)},
    }
    url = f"/api/v1/companies/{salon.company_id}/bookings"
    return client(cluster, address).post(url, body, headers={"Idempotency-Key": new_key()})


def take_seat(cluster, salon, event: dict, address: str):
    url = f"/api/v1/companies/{salon.company_id}/group-events/{event['id']}/seats"
    body = {"client": {"name": "Guest", "phone": next(_phones)}}
    return client(cluster, address).post(url, body, headers={"Idempotency-Key": new_key()})


def test_widget_bookings_and_seats_are_limited_per_address_and_per_salon(limited):
    salon = salon_of(limited)
    salon.add_service("Workshop", 90, ["Anna"], group_capacity=6)
    event = salon.api.ok(
        "POST",
        "/api/v1/group-events",
        {"staff_member_id": salon.staff["Anna"], "service_id": salon.services["Workshop"],
         "starts_at": salon.local(DAY, 16).isoformat()},
    )  # fmt: skip
    one, two, three, four = (next(_addresses) for _ in range(4))
    assert book(limited, salon, one, 9).status_code == 201
    assert book(limited, salon, one, 9, 30).status_code == 201
    refused(book(limited, salon, one, 10), "widget_bookings_per_address")
    refused(take_seat(limited, salon, event, one), "widget_bookings_per_address")  # seats count with bookings

    assert take_seat(limited, salon, event, two).status_code == 201  # the salon's third
    assert book(limited, salon, three, 10).status_code == 201  # and fourth
    refused(book(limited, salon, four, 10, 30), "widget_bookings_per_company")
    refused(take_seat(limited, salon, event, four), "widget_bookings_per_company")

    # Another salon still takes bookings (refused by the salon's limit, `four` counted against its own).
    assert book(limited, salon_of(limited), next(_addresses), 9).status_code == 201


def ask_code(cluster, salon, address: str, phone: str | None = None):
    url = f"/api/v1/companies/{salon.company_id}/phone-confirmations"
    return client(cluster, address).post(url, {"phone": phone or next(_phones)})


def test_phone_codes_are_limited_per_address_and_per_salon(limited):
    salon = salon_of(limited, sms_confirmation=True)
    one, two, three = (next(_addresses) for _ in range(3))
    assert ask_code(limited, salon, one).status_code == 202
    refused(ask_code(limited, salon, one), "phone_codes_per_address")
    assert ask_code(limited, salon, two).status_code == 202
    refused(ask_code(limited, salon, three), "phone_codes_per_company")
    assert ask_code(limited, salon_of(limited, sms_confirmation=True), next(_addresses)).status_code == 202


def test_two_clients_behind_one_proxy_are_limited_apart(limited):
    """Fault 3: behind the ingress every request came from its address, so one client's codes used up
    the per-IP limits of every client of every salon. Now each is limited as the client the proxy saw."""
    first, second = salon_of(limited, sms_confirmation=True), salon_of(limited, sms_confirmation=True)
    flooding, other = next(_addresses), next(_addresses)
    statuses = [ask_code(limited, first, flooding).status_code for _ in range(10)]
    assert statuses == [202] + [429] * 9
    refused(ask_code(limited, second, flooding), "phone_codes_per_address")  # every salon, for that client
    assert ask_code(limited, second, other).status_code == 202  # not for the next one through the proxy
    # The per-address daily caps of phone_codes.py count each client apart too.
    store = redis.Redis.from_url(limited.redis_url)
    day = datetime.now(UTC).strftime("%Y%m%d")
    counts = {
        address: store.get(f"{limited.redis_prefix}phone-code-ip:{address}:{day}") for address in (flooding, other)
    }
    assert counts == {flooding: b"1", other: b"1"}
    assert not store.exists(f"{limited.redis_prefix}phone-code-ip:127.0.0.1:{day}")


# ---------------------------------------------------------------- the daily SMS cap


def usage(salon) -> dict:
    return salon.api.ok("GET", "/api/v1/notifications/usage")


def wait_for_sms_sent(salon, count: int) -> dict:
    deadline = time.monotonic() + 20
    while (today := usage(salon))["sms"]["sent"] < count:
        assert time.monotonic() < deadline, today
        time.sleep(0.2)
    return today


def test_the_daily_sms_cap_refuses_a_phone_code_clearly_and_the_salon_sees_its_count(limited):
    """Fault 4: a free salon could have the platform text any phone. Its daily cap now refuses a code
    with a 429 naming the cap (it was a 500), withdraws the code, and the counter is there to see."""
    salon = salon_of(limited, sms_confirmation=True)
    fresh = usage(salon)
    cap = fresh["sms"]["cap"]
    assert fresh["sms"] == {"sent": 0, "cap": cap, "remaining": cap} and cap > 1
    assert datetime.fromisoformat(fresh["resets_at"]).utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert client(limited).get("/api/v1/notifications/usage").status_code == 401

    assert salon.book_as_staff(["Cut"], salon.local(DAY, 9), "Anna").status_code == 201  # texts the client
    assert wait_for_sms_sent(salon, 1)["sms"] == {"sent": 1, "cap": cap, "remaining": cap - 1}
    rpc = RpcClient(limited.amqp_uri, timeout=10)  # the rest of the day's SMS, as any service may send them

    def send(n):
        sms = {"phone": f"+4915188{n:06d}", "text": "Your visit is tomorrow.", "purpose": "reminder"}
        return rpc.call("notifications", "send_sms", salon.company_id, sms)["status"]

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(send, range(cap - 1))) <= {"sent", "pending"}
    assert usage(salon)["sms"] == {"sent": cap, "cap": cap, "remaining": 0}

    phone = next(_phones)
    over = refused(ask_code(limited, salon, next(_addresses), phone), "sms_daily_cap")
    assert over["limit"]["cap"] == cap and f"its {cap} SMS for today" in over["message"]
    midnight = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), datetime.min.time(), UTC)
    again = ask_code(limited, salon, next(_addresses), phone)  # at once: the refused code was withdrawn,
    refused(again, "sms_daily_cap")  # so it is not "a code was just sent" (phone_code_resend)
    assert abs(int(again.headers["Retry-After"]) - (midnight - datetime.now(UTC)).total_seconds()) < 60
    assert usage(salon)["sms"] == {"sent": cap, "cap": cap, "remaining": 0}
    assert salon.api.ok("GET", "/api/v1/notifications/messages", params={"purpose": "phone_code"}) == []
