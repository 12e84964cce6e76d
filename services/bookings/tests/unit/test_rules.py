from datetime import UTC, datetime, timedelta

import pytest

from bookings.domain.appointments import (
    checks_working_hours,
    fair_order,
    overlaps,
    request_fingerprint,
)
from bookings.domain.links import InvalidLink, has_expired, read_link, sign_link
from bookings.domain.model import state_of


def at(hour, minute=0):
    return datetime(2027, 5, 3, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("first", "second", "clash"),
    [
        ((at(10), at(11)), (at(10, 30), at(11)), True),  # a 30-min one inside a 60-min one
        ((at(10), at(11)), (at(9), at(10, 30)), True),  # a 90-min one reaching into it
        ((at(10), at(11)), (at(9), at(12)), True),  # covering it
        ((at(10), at(11)), (at(11), at(12)), False),  # back to back
        ((at(10), at(11)), (at(9), at(10)), False),
    ],
)
def test_overlap_is_half_open(first, second, clash):
    assert overlaps(*first, *second) is clash
    assert overlaps(*second, *first) is clash


def test_fair_order_puts_the_least_booked_first_and_keeps_the_callers_order_on_ties():
    assert fair_order([1, 2, 3], {1: 4, 2: 1, 3: 1}) == [2, 3, 1]
    assert fair_order([3, 1], {}) == [3, 1]


def test_only_online_sources_are_held_to_working_hours():
    assert checks_working_hours("widget") and checks_working_hours("api")
    assert not any(checks_working_hours(source) for source in ("admin", "mobile", "import"))


def test_fingerprint_ignores_key_order_and_sees_content():
    assert request_fingerprint({"a": 1, "b": [2]}) == request_fingerprint({"b": [2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


def test_state():
    assert state_of(None, None) == "booked"
    assert state_of(at(9), None) == "cancelled"
    assert state_of(at(9), at(10)) == "deleted"


def test_a_link_names_its_booking_and_cannot_be_forged():
    token = sign_link("secret", 7, 42)
    assert read_link("secret", token) == (7, 42)
    for forged in (token.replace("7-42", "7-43", 1), token[:-2] + "xx", "7-42", "nonsense", "7-42-ééé"):
        with pytest.raises(InvalidLink):
            read_link("secret", forged)
    with pytest.raises(InvalidLink):
        read_link("another secret", token)


def test_a_link_expires_when_its_time_after_the_visit_has_passed():
    ends = datetime(2030, 3, 31, 12, 0, tzinfo=UTC)
    month = timedelta(days=30)
    assert not has_expired(ends, ends - timedelta(days=400), month)  # booked long before
    assert not has_expired(ends, ends + month, month)  # the last moment it works
    assert has_expired(ends, ends + month + timedelta(seconds=1), month)
