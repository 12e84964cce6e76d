"""A day's takings: money by cash desk and by method, redemptions apart, in the salon's local day (DST
days too); a deletion counts minus on the day it was made, so a closed day never changes."""

from datetime import UTC, date, datetime, timedelta

import pytest
from bills_to_test import desks
from hypothesis import given
from hypothesis import strategies as st

from payments.domain.model import CARRIED_OVER, Payment
from payments.domain.takings import day_bounds, summarise
from salon_infra.errors import InvalidInput

TILL, TERMINAL = desks()
BERLIN = "Europe/Berlin"


def at(day: date, hour: int, minute: int = 0, zone=BERLIN) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def takings_of(day: date, payments, zone=BERLIN):
    return summarise(payments, [TILL, TERMINAL], *day_bounds(day, zone))


def test_a_local_day_is_23_or_25_hours_on_a_dst_change_day():
    start, end = day_bounds(date(2027, 3, 28), BERLIN)
    assert end - start == timedelta(hours=23) and start.hour == 23  # 00:00 CET is 23:00 UTC the day before
    start, end = day_bounds(date(2027, 10, 31), BERLIN)
    assert end - start == timedelta(hours=25)


@pytest.mark.parametrize(("day", "zone"), [(date(9999, 12, 31), BERLIN), (date(9999, 12, 31), "America/New_York"),
                                           (date(1, 1, 1), "Asia/Tokyo")])  # fmt: skip
def test_a_day_whose_bounds_no_date_can_hold_is_refused_naming_date(day, zone):
    with pytest.raises(InvalidInput) as refused:
        day_bounds(day, zone)
    assert "date" in refused.value.errors
    assert day_bounds(date(2, 1, 1), "Asia/Tokyo") and day_bounds(date(9998, 12, 31), "Pacific/Kiritimati")


def test_money_by_desk_and_method_and_redemptions_apart_never_added_to_the_money():
    day = date(2027, 6, 7)
    payments = [
        Payment(1, "cash", 1000, at(day, 9), cash_desk_id=TILL.id, id=1),
        Payment(1, "cash", 500, at(day, 12), cash_desk_id=TILL.id, id=2),
        Payment(1, "card", 2500, at(day, 18), cash_desk_id=TERMINAL.id, id=3),
        Payment(1, "gift_card", 700, at(day, 18), gift_card_id=9, id=4),  # bought for money counted before
        Payment(1, "membership", 3000, at(day, 19), membership_id=8, id=5),
        Payment(1, CARRIED_OVER, 4000, at(day, 10), id=6),  # taken before payments existed: on no day
    ]
    found = takings_of(day, payments)
    assert [(row["title"], row["amount"], row["payments"]) for row in found.by_cash_desk] == [
        ("Till", 1500, 2), ("Card terminal", 2500, 1),
    ]  # fmt: skip
    assert [(row["method"], row["amount"]) for row in found.by_method] == [("cash", 1500), ("card", 2500)]
    assert found.total == found.money["amount"] == found.money["taken"] == 4000
    assert found.redemptions["amount"] == 3700
    redeemed = [(row["method"], row["amount"]) for row in found.redemptions["by_method"]]
    assert redeemed == [("gift_card", 700), ("membership", 3000)]
    assert found.deletions == []


def test_a_payment_deleted_the_next_day_leaves_its_day_as_it_was_and_counts_minus_on_the_next():
    taken_day, deleted_day = date(2027, 6, 7), date(2027, 6, 8)
    kept = Payment(1, "cash", 1000, at(taken_day, 9), cash_desk_id=TILL.id, id=1)
    refunded = Payment(1, "card", 2500, at(taken_day, 10), cash_desk_id=TERMINAL.id, id=2)
    before = takings_of(taken_day, [kept, refunded])
    refunded.deleted_at, refunded.deleted_by_id = at(deleted_day, 11), 9
    after = takings_of(taken_day, [kept, refunded])
    assert after == before and after.total == 3500  # the closed day never changes
    next_day = takings_of(deleted_day, [refunded])
    assert next_day.total == -2500 and next_day.money == {"taken": 0, "deleted": 2500, "amount": -2500,
                                                          "payments": 0, "deletions": 1}  # fmt: skip
    assert [(row["title"], row["amount"], row["deletions"]) for row in next_day.by_cash_desk] == [
        ("Till", 0, 0), ("Card terminal", -2500, 1),
    ]  # fmt: skip
    [entry] = next_day.deletions
    assert (entry["payment_id"], entry["amount"], entry["deleted_by_id"]) == (2, -2500, 9)


def test_a_payment_taken_and_deleted_the_same_day_adds_up_to_nothing_that_day():
    day = date(2027, 6, 7)
    payment = Payment(1, "cash", 1000, at(day, 9), cash_desk_id=TILL.id, deleted_at=at(day, 9, 5), id=1)
    found = takings_of(day, [payment])
    assert found.total == 0 and (found.money["taken"], found.money["deleted"]) == (1000, 1000)


def test_on_dst_days_the_local_day_decides_which_day_a_payment_and_its_deletion_count_on():
    spring, autumn = date(2027, 3, 28), date(2027, 10, 31)
    # 00:30 local on the spring day is 23:30 UTC the day before; 23:30 local on the autumn day is 22:30 UTC.
    early = Payment(1, "cash", 700, at(spring, 0, 30), cash_desk_id=TILL.id, id=1)
    late = Payment(1, "cash", 300, at(autumn, 23, 30), cash_desk_id=TILL.id, id=2)
    late.deleted_at = at(autumn + timedelta(1), 0, 10)
    assert early.taken_at.date() == date(2027, 3, 27)
    assert takings_of(spring, [early]).total == 700 and takings_of(spring - timedelta(1), [early]).total == 0
    assert takings_of(autumn, [late]).total == 300
    assert takings_of(autumn + timedelta(1), [late]).total == -300
    # The 25-hour day counts its extra hour: 02:30 CEST and 02:30 CET are both on it.
    first, second = datetime(2027, 10, 31, 0, 30, tzinfo=UTC), datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    twice = [Payment(1, "card", 100, moment, cash_desk_id=TERMINAL.id, id=n) for n, moment in ((3, first), (4, second))]
    assert takings_of(autumn, twice).total == 200


FIRST = datetime(2027, 3, 26, tzinfo=UTC)
moments = st.integers(0, 4 * 24 * 60).map(lambda minutes: FIRST + timedelta(minutes=minutes))


@given(st.lists(st.tuples(st.sampled_from(["cash", "card", "gift_card"]), st.integers(1, 10_000), moments,
                          st.one_of(st.none(), st.integers(0, 3 * 24 * 60))), max_size=20))  # fmt: skip
def test_days_add_up_to_what_was_taken_less_what_was_given_back_and_closed_days_never_change(made):
    """Over the days around a DST change, the days' money adds up to every cash and card payment
    taken less every one deleted, and deleting a payment later changes only the day it happens on."""
    days = [date(2027, 3, 26) + timedelta(days=n) for n in range(10)]
    payments = []
    for number, (method, amount, taken_at, deleted_after) in enumerate(made):
        desk = {"cash": TILL.id, "card": TERMINAL.id}.get(method)
        payment = Payment(1, method, amount, taken_at, id=number + 1, cash_desk_id=desk)
        if deleted_after is not None:
            payment.deleted_at = taken_at + timedelta(minutes=deleted_after)
        payments.append(payment)
    money = [payment for payment in payments if payment.method != "gift_card"]
    taken = sum(payment.amount for payment in money)
    given_back = sum(payment.amount for payment in money if payment.deleted_at is not None)
    assert sum(takings_of(day, payments).total for day in days) == taken - given_back
    for payment in payments:
        if payment.deleted_at is None:
            continue
        undeleted = Payment(1, payment.method, payment.amount, payment.taken_at, id=payment.id,
                            cash_desk_id=payment.cash_desk_id)  # fmt: skip
        others = [other if other is not payment else undeleted for other in payments]
        for day in days:
            start, end = day_bounds(day, BERLIN)
            if not start <= payment.deleted_at < end:
                assert takings_of(day, payments) == takings_of(day, others)
