"""What each payment may pay for (domain/allocation.py), over any sequence of payments and deletions by
money and by gift cards for anything, for services and for products, on bills with services,
products and cards sold: a payment is accepted exactly when every payment can still be put on parts
it may pay (checked here by building that allocation); a quick payment takes exactly the most that
keeps it so; the same payments are accepted in any order; and cards sold are paid for by money first."""

import pytest
from bills_to_test import NOW, bill, desks, gift_card, numbered, product, storage
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.domain import allocation
from payments.domain.model import CASH, GIFT_CARD
from salon_infra.errors import Conflict

TILL, _ = desks()
KINDS = ("money", "any", "services", "products")


def fits(parts: allocation.Parts, payments: list[tuple[str, int]]) -> bool:
    """Whether each payment can be put, whole, on parts it may pay: an allocation built greedily,
    the most restricted first (services-only and products-only have one place each; gift cards for
    anything go on services or products; money anywhere)."""
    left = {"services": parts.services, "products": parts.products, "cards": parts.cards}
    places = {"services": ["services"], "products": ["products"], "any": ["services", "products"],
              "money": ["cards", "services", "products"]}  # fmt: skip
    for kind, amount in sorted(payments, key=lambda payment: KINDS.index(payment[0]), reverse=True):
        for place in places[kind]:
            taken = min(amount, left[place])
            left[place] -= taken
            amount -= taken
        if amount:
            return False
    return True


def visit_with(services: list[int], products: list[int], cards: list[int]):
    visit_bill, shop = bill(*services), storage(allows_negative=True)
    for price in products:
        numbered(visit_bill.sell_product(product(price=price), shop, 1, now=NOW, actor_id=3))
    sold = []
    for price in cards:
        sold.append(numbered(gift_card(max(price, 1), price=price, paid=False)))
        visit_bill.sell_card(sold[-1], NOW)
    return visit_bill, sold


def take(visit_bill, kind: str, amount: int | None):
    if kind == "money":
        payment = visit_bill.take_payment(CASH, amount, now=NOW, actor_id=3, desk=TILL)
    else:
        card = gift_card(10**9, pays_for=kind)
        payment = visit_bill.take_payment(GIFT_CARD, amount, now=NOW, actor_id=3, gift_card=card)
    return numbered(payment)


def live_kinds(visit_bill) -> list[tuple[str, int]]:
    return [(payment.pays, payment.amount) for payment in visit_bill.live_payments]


prices = st.lists(st.integers(0, 6000), max_size=3)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.sampled_from(KINDS), st.one_of(st.none(), st.integers(1, 12000))),
        st.tuples(st.just("delete"), st.integers(0, 50)),
    ),
    max_size=25,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 6000), min_size=1, max_size=3), prices, prices, steps, st.randoms())
def test_a_payment_is_taken_exactly_when_every_payment_still_fits_whatever_the_order(
    services, products, cards, attempts, random
):
    visit_bill, sold = visit_with(services, products, cards)
    parts = visit_bill.parts
    for step in attempts:
        if step[0] == "delete":
            if visit_bill.live_payments:
                payment = visit_bill.live_payments[step[1] % len(visit_bill.live_payments)]
                visit_bill.delete_payment(payment.id, 3, NOW)  # cards sold here are never used: always allowed
        else:
            _, kind, amount = step
            before = live_kinds(visit_bill)
            try:
                taken = take(visit_bill, kind, amount)
            except Conflict:
                if amount is not None:
                    assert not fits(parts, [*before, (kind, amount)])
                else:
                    assert not fits(parts, [*before, (kind, 1)])  # nothing at all may be paid so
                assert live_kinds(visit_bill) == before
            else:
                assert fits(parts, live_kinds(visit_bill))
                if amount is None:  # the quick payment takes the most that fits, not one more
                    assert not fits(parts, [*before, (kind, taken.amount + 1)])
                else:
                    assert taken.amount == amount
        assert fits(parts, live_kinds(visit_bill))
        money_paid, cumulative = visit_bill.paid_by_kind.money, 0
        for card in sold:
            cumulative += card.price
            assert (card.paid_at is not None) == (cumulative <= money_paid)

    # The same payments, in another order, are all accepted again.
    again, _ = visit_with(services, products, cards)
    accepted = live_kinds(visit_bill)
    random.shuffle(accepted)
    for kind, amount in accepted:
        assert take(again, kind, amount).amount == amount
    assert again.paid == visit_bill.paid


@pytest.mark.parametrize(
    ("first", "then", "most"),
    [
        # Services 3000, products 2000: cash first, then a services card pays what is left (cash is
        # taken to have paid the products); the other order takes the same payments.
        (("money", 3000), "services", 2000),
        (("services", 3000), "money", 2000),
        (("products", 2000), "services", 3000),
        (("any", 4500), "services", 500),
        (("any", 4500), "products", 500),
        (("services", 1000), "products", 2000),
    ],
)
def test_what_a_restricted_payment_may_still_take(first, then, most):
    visit_bill, _ = visit_with([3000], [2000], [])
    take(visit_bill, *first)
    assert visit_bill.room(then) == most
    assert take(visit_bill, then, None).amount == most


def test_no_card_ever_pays_for_a_card_sold():
    visit_bill, sold = visit_with([1000], [], [5000])
    for kind in ("any", "services", "products"):
        with pytest.raises(Conflict):
            take(visit_bill, kind, 1001 if kind != "products" else 1)
    take(visit_bill, "any", 1000)
    assert visit_bill.due == 5000 and visit_bill.room("any") == 0 and sold[0].paid_at is None
    take(visit_bill, "money", None)
    assert sold[0].paid_at == NOW and visit_bill.due == 0
