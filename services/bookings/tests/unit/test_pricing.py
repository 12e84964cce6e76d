"""The price arithmetic: exact minor units, percents rounded half up, lines adding up to the total."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.domain.pricing import (
    MAX_PRICE,
    MAX_QUANTITY,
    Discount,
    PriceProblem,
    allocate,
    bill,
    due,
    line_money,
    payment_status,
    percent_hundredths,
    percent_of,
)

prices = st.integers(min_value=0, max_value=MAX_PRICE)
quantities = st.integers(min_value=1, max_value=MAX_QUANTITY)
percents = st.integers(min_value=0, max_value=100_00)


@st.composite
def lines(draw):
    price, quantity = draw(prices), draw(quantities)
    if draw(st.booleans()):
        discount = Discount(percent=draw(percents))
    else:
        discount = Discount(amount=draw(st.integers(min_value=0, max_value=price * quantity)))
    return line_money(price, quantity, discount)


def test_a_percent_discount_rounds_half_up_to_the_minor_unit():
    assert line_money(1999, 1, Discount(percent=1000)).discount == 200  # 199.9 -> 200
    assert line_money(1005, 1, Discount(percent=5000)).discount == 503  # 502.5 -> 503
    assert line_money(1, 1, Discount(percent=4999)).discount == 0  # 0.4999 -> 0
    assert line_money(333, 3, Discount(percent=3333)).total == 999 - 333  # 332.9667 -> 333


def test_a_line_is_price_times_quantity_less_its_discount():
    money = line_money(4500, 2, Discount(amount=1000))
    assert (money.subtotal, money.discount, money.total) == (9000, 1000, 8000)


@pytest.mark.parametrize(
    ("price", "quantity", "discount", "field"),
    [
        (-1, 1, Discount(amount=0), "price"),
        (MAX_PRICE + 1, 1, Discount(amount=0), "price"),
        (100, 0, Discount(amount=0), "quantity"),
        (100, MAX_QUANTITY + 1, Discount(amount=0), "quantity"),
        (100, 1, Discount(amount=101), "discount.amount"),
        (100, 1, Discount(amount=-1), "discount.amount"),
        (100, 1, Discount(percent=100_01), "discount.percent"),
    ],
)
def test_out_of_range_names_the_field(price, quantity, discount, field):
    with pytest.raises(PriceProblem) as refused:
        line_money(price, quantity, discount)
    assert refused.value.field == field


@pytest.mark.parametrize(("typed", "hundredths"), [(12.5, 1250), ("7.25", 725), (0, 0), (100, 100_00), ("33", 3300)])
def test_percents_are_read_exactly(typed, hundredths):
    assert percent_hundredths(typed) == hundredths


@pytest.mark.parametrize("typed", [12.345, -1, 100.01, "ten", float("nan"), float("inf")])
def test_percents_out_of_range_or_too_fine_are_refused(typed):
    with pytest.raises(PriceProblem):
        percent_hundredths(typed)


@given(st.lists(lines(), max_size=20))
def test_the_lines_always_add_up_exactly_to_the_total(money):
    total = bill(money)
    assert total.total == sum(line.total for line in money)
    assert total.subtotal - total.discount == total.total
    assert all(0 <= line.discount <= line.subtotal and line.total >= 0 for line in money)


@given(prices, quantities, percents)
def test_a_percent_discount_is_the_exact_value_rounded_half_up(price, quantity, percent):
    money = line_money(price, quantity, Discount(percent=percent))
    exact = Decimal(price * quantity) * Decimal(percent) / Decimal(100_00)
    assert money.discount == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert abs(Decimal(money.discount) - exact) <= Decimal("0.5")


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=100_00))
def test_percent_of_never_exceeds_the_amount(amount, percent):
    assert 0 <= percent_of(amount, percent) <= amount


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30), st.data())
def test_an_allocation_adds_up_and_no_share_exceeds_its_weight(weights, data):
    amount = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    shares = allocate(amount, weights)
    assert sum(shares) == amount and len(shares) == len(weights)
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True)) or sum(weights) == 0


@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=10), st.data())
def test_an_allocation_is_proportional_to_within_one_minor_unit(weights, data):
    amount = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    for share, weight in zip(allocate(amount, weights), weights, strict=True):
        assert abs(share * sum(weights) - amount * weight) < sum(weights)


def test_an_allocation_over_nothing_priced_goes_to_the_first():
    assert allocate(0, [0, 0]) == [0, 0]
    assert allocate(5, [0, 0]) == [5, 0]
    assert allocate(0, []) == []


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_what_is_due_is_never_negative_and_paid_in_full_means_nothing_due(total, paid):
    assert due(total, paid) >= 0
    assert (payment_status(total, paid) == "paid") == (due(total, paid) == 0)


def test_payment_statuses():
    assert [payment_status(3000, paid) for paid in (0, 1, 2999, 3000, 3500)] == [
        "not_paid", "partly_paid", "partly_paid", "paid", "paid",
    ]  # fmt: skip
    assert payment_status(0, 0) == "paid"
