"""Phone confirmation codes against a real Redis: expiry, single use, wrong attempts, send limits."""

import time
import uuid

import pytest
import redis

from gateway.phone_codes import CodeRefused, Limits, PhoneCodes, Throttled

PHONE = "+4915123456789"
COMPANY = 7


@pytest.fixture
def store():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    prefix = f"test-{uuid.uuid4().hex}:"
    yield client, prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def codes(store, **limits) -> PhoneCodes:
    client, prefix = store
    return PhoneCodes(client, "a-secret-of-some-length-for-tests!", prefix, Limits(**limits))


def test_a_code_has_six_digits_and_works_once(store):
    phone_codes = codes(store)
    issued = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    assert len(issued.code) == 6 and issued.code.isdigit()
    assert (issued.expires_in, issued.resend_after) == (600, 60)
    token = phone_codes.confirm(COMPANY, PHONE, issued.code)
    assert phone_codes.confirmed_phone(COMPANY, token) == PHONE
    with pytest.raises(CodeRefused, match="already used"):
        phone_codes.confirm(COMPANY, PHONE, issued.code)


def test_only_a_hash_of_the_code_is_stored(store):
    client, prefix = store
    issued = codes(store).issue(COMPANY, PHONE, "10.0.0.1")
    stored = b" ".join(value for key in client.scan_iter(f"{prefix}*") if client.type(key) == b"hash"
                       for value in client.hgetall(key).values())  # fmt: skip
    assert issued.code.encode() not in stored


def test_a_code_expires(store):
    phone_codes = codes(store, code_ttl=1)
    issued = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    time.sleep(1.2)
    with pytest.raises(CodeRefused, match="expired"):
        phone_codes.confirm(COMPANY, PHONE, issued.code)


def test_five_wrong_attempts_burn_the_code(store):
    phone_codes = codes(store)
    issued = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    wrong = f"{(int(issued.code) + 1) % 10**6:06d}"
    for _ in range(4):
        with pytest.raises(CodeRefused, match="Wrong code"):
            phone_codes.confirm(COMPANY, PHONE, wrong)
    with pytest.raises(CodeRefused, match="Too many wrong codes"):
        phone_codes.confirm(COMPANY, PHONE, wrong)
    with pytest.raises(CodeRefused, match="expired or was already used"):
        phone_codes.confirm(COMPANY, PHONE, issued.code)  # even the right one, now


def test_four_wrong_attempts_still_leave_the_right_code_working(store):
    phone_codes = codes(store)
    issued = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    wrong = f"{(int(issued.code) + 1) % 10**6:06d}"
    for _ in range(4):
        with pytest.raises(CodeRefused):
            phone_codes.confirm(COMPANY, PHONE, wrong)
    assert phone_codes.confirm(COMPANY, PHONE, issued.code)


def test_resending_waits_the_interval_and_replaces_the_code(store):
    phone_codes = codes(store, resend_interval=1)
    first = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    with pytest.raises(Throttled) as throttled:
        phone_codes.issue(COMPANY, PHONE, "10.0.0.2")
    assert throttled.value.retry_after >= 1
    time.sleep(1.1)
    second = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    if second.code != first.code:
        with pytest.raises(CodeRefused):
            phone_codes.confirm(COMPANY, PHONE, first.code)
    assert phone_codes.confirm(COMPANY, PHONE, second.code)


def test_daily_caps_per_phone_and_per_ip(store):
    phone_codes = codes(store, resend_interval=1, daily_per_phone=2, daily_per_ip=3)
    phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    time.sleep(1.05)
    phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    time.sleep(1.05)
    with pytest.raises(Throttled, match="this phone today") as per_phone:
        phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    assert per_phone.value.limit == "phone_code_daily_per_phone"
    phone_codes.issue(COMPANY, "+4915123456780", "10.0.0.1")
    with pytest.raises(Throttled, match="this address today") as per_address:
        phone_codes.issue(COMPANY, "+4915123456781", "10.0.0.1")
    assert per_address.value.limit == "phone_code_daily_per_address"
    assert phone_codes.issue(COMPANY, "+4915123456782", "10.0.0.9")  # another address still may


def test_a_withdrawn_code_is_gone_and_counts_against_nothing(store):
    """A code the salon could not send (its daily SMS cap): no code to guess, no wait, no count."""
    phone_codes = codes(store, daily_per_phone=1, daily_per_ip=1)
    withdrawn = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")
    phone_codes.withdraw(COMPANY, PHONE, "10.0.0.1")
    with pytest.raises(CodeRefused, match="expired"):
        phone_codes.confirm(COMPANY, PHONE, withdrawn.code)
    issued = phone_codes.issue(COMPANY, PHONE, "10.0.0.1")  # at once, and within the caps of 1 a day
    assert phone_codes.confirm(COMPANY, PHONE, issued.code)
    with pytest.raises(Throttled):
        phone_codes.issue(COMPANY, "+4915123456780", "10.0.0.1")  # that one counted


def test_limits_are_shared_by_every_replica(store):
    one, other = codes(store), codes(store)  # two gateway processes, one Redis
    issued = one.issue(COMPANY, PHONE, "10.0.0.1")
    with pytest.raises(Throttled):
        other.issue(COMPANY, PHONE, "10.0.0.1")
    assert other.confirm(COMPANY, PHONE, issued.code)


def test_a_token_is_for_its_company_and_expires(store):
    phone_codes = codes(store, token_ttl=1)
    token = phone_codes.confirm(COMPANY, PHONE, phone_codes.issue(COMPANY, PHONE, "10.0.0.1").code)
    assert phone_codes.confirmed_phone(COMPANY + 1, token) is None
    assert phone_codes.confirmed_phone(COMPANY, token + "x") is None
    time.sleep(2.1)
    assert phone_codes.confirmed_phone(COMPANY, token) is None
