"""The money arithmetic: lines add up, percents round half up, what is due is never negative."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.domain import money
from payments.domain.money import Discount, MoneyProblem

prices = st.integers(min_value=0, max_value=money.MAX_PRICE)
quantities = st.integers(min_value=1, max_value=money.MAX_QUANTITY)
percents = st.integers(min_value=0, max_value=money.WHOLE)


@given(prices, quantities, percents)
def test_a_percent_discount_stays_within_the_line_and_the_line_adds_up(price, quantity, percent):
    line = money.line_money(price, quantity, Discount(percent=percent))
    assert line.subtotal == price * quantity
    assert 0 <= line.discount <= line.subtotal
    assert line.total == line.subtotal - line.discount


@given(prices, quantities, st.data())
def test_an_amount_discount_is_taken_off_exactly(price, quantity, data):
    subtotal = price * quantity
    off = data.draw(st.integers(min_value=0, max_value=subtotal))
    assert money.line_money(price, quantity, Discount(amount=off)).total == subtotal - off


def test_percents_round_half_up_to_the_minor_unit():
    assert money.line_money(999, 1, Discount(percent=5000)).discount == 500  # 499.5 -> 500
    assert money.line_money(1, 1, Discount(percent=4999)).discount == 0
    assert money.percent_hundredths("12.5") == 1250
    with pytest.raises(MoneyProblem) as problem:
        money.percent_hundredths("12.345")
    assert problem.value.field == "discount.percent"


@pytest.mark.parametrize(
    ("price", "quantity", "discount", "field"),
    [
        (-1, 1, Discount(amount=0), "price"),
        (100, 0, Discount(amount=0), "quantity"),
        (100, 1, Discount(amount=101), "discount.amount"),
        (100, 1, Discount(percent=10001), "discount.percent"),
    ],
)
def test_out_of_range_names_the_field(price, quantity, discount, field):
    with pytest.raises(MoneyProblem) as problem:
        money.line_money(price, quantity, discount)
    assert problem.value.field == field


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_paid_and_due_add_up_to_the_total(total, paid):
    due, over = money.due(total, paid), money.overpaid(total, paid)
    assert due >= 0 and over >= 0
    assert paid + due - over == total
    assert (money.payment_status(total, paid) == money.PAID) == (due == 0)


@given(st.integers(min_value=0, max_value=10**9), st.one_of(st.none(), st.integers(min_value=1, max_value=10**9)))
def test_a_payment_never_takes_more_than_it_may(most, asked):
    try:
        taken = money.amount_to_take(asked, most)
    except MoneyProblem as problem:
        assert problem.field == "amount"
        assert most <= 0 or (asked is not None and asked > most)
    else:
        assert 0 < taken <= most
        assert taken == (most if asked is None else asked)
