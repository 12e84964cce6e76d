"""The visit's bill as pure code: quick and split payments, deleting them, products and consumables,
the appointment's newer versions; and, for any sequence of these, paid and due adding up."""

from datetime import timedelta

import pytest
from bills_to_test import NOW, bill, desks, gift_card, membership, numbered, product, storage, visit
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.domain import money
from payments.domain.model import (
    CARD,
    CASH,
    GIFT_CARD,
    MEMBERSHIP,
    BillOfMaterials,
    LineCopy,
    choose_bill_of_materials,
    desk_for,
)
from payments.exceptions import NothingToChange
from salon_infra.errors import Conflict, InvalidInput, NotFound

TILL, TERMINAL = desks()


def pay(the_bill, method=CASH, amount=None, **sources):
    desk = {CASH: TILL, CARD: TERMINAL}.get(method)
    return numbered(the_bill.take_payment(method, amount, now=NOW, actor_id=3, desk=desk, **sources))


def test_quick_payment_pays_what_is_due_in_one_step():
    visit_bill = bill(3000, 4500)
    assert (visit_bill.total, visit_bill.due, visit_bill.payment_status) == (7500, 7500, "not_paid")
    payment = pay(visit_bill, CARD)
    assert (payment.amount, payment.cash_desk_id) == (7500, TERMINAL.id)
    assert (visit_bill.paid, visit_bill.due, visit_bill.payment_status) == (7500, 0, "paid")


def test_a_split_payment_until_nothing_is_due_and_never_more():
    visit_bill = bill(10000)
    pay(visit_bill, CASH, 4000)
    assert visit_bill.payment_status == "partly_paid" and visit_bill.due == 6000
    with pytest.raises(Conflict) as refused:
        pay(visit_bill, CARD, 6001)
    assert "amount" in refused.value.errors
    pay(visit_bill, CARD, 6000)
    with pytest.raises(Conflict) as refused:
        pay(visit_bill, CASH)
    assert refused.value.errors == {"amount": ["Nothing is due."]}
    assert [p.amount for p in visit_bill.live_payments] == [4000, 6000]


def test_a_deleted_payment_stays_in_the_history_and_what_is_due_goes_back_up():
    visit_bill = bill(5000)
    first, second = pay(visit_bill, CASH, 2000), pay(visit_bill, CARD)
    deleted = visit_bill.delete_payment(second.id, 9, NOW + timedelta(minutes=5))
    assert (deleted.deleted_by_id, deleted.deleted_at) == (9, NOW + timedelta(minutes=5))
    assert visit_bill.payments == [first, second] and visit_bill.live_payments == [first]
    assert visit_bill.due == 3000
    with pytest.raises(NothingToChange):
        visit_bill.delete_payment(second.id, 9, NOW)
    with pytest.raises(NotFound):
        visit_bill.delete_payment(999_999, 9, NOW)


def test_cash_and_card_go_to_the_default_desk_of_their_kind_or_the_one_named():
    other_till = numbered(type(TILL)(1, "Second till", "cash"))
    assert desk_for(CASH, [TILL, TERMINAL, other_till], None) is TILL
    assert desk_for(CASH, [TILL, TERMINAL, other_till], other_till.id) is other_till
    with pytest.raises(InvalidInput) as refused:
        desk_for(CARD, [TILL, other_till], None)
    assert "method" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        desk_for(CARD, [TILL, TERMINAL], TILL.id)
    assert "cash_desk_id" in refused.value.errors


def test_products_join_the_bill_and_their_stock_comes_back_once_when_taken_back():
    visit_bill, shampoo, shop = bill(3000), product(price=1500), storage()
    sale = numbered(visit_bill.sell_product(shampoo, shop, 2, now=NOW, actor_id=3, discount=money.Discount(amount=500)))
    assert (sale.subtotal, sale.discount, sale.total) == (3000, 500, 2500)
    assert sale.movement.quantity == -2 and sale.movement.kind == "sale"
    assert (visit_bill.services_total, visit_bill.sales_total, visit_bill.total) == (3000, 2500, 5500)
    visit_bill.remove_product_sale(sale.id, 3, NOW)
    assert sale.return_movement.quantity == 2 and sale.return_movement.reverses_id == sale.movement.id
    assert visit_bill.total == 3000
    with pytest.raises(NothingToChange):
        visit_bill.remove_product_sale(sale.id, 3, NOW)


def test_only_a_storage_for_sale_sells_and_only_one_for_services_gives_consumables():
    visit_bill = bill(3000)
    with pytest.raises(InvalidInput) as refused:
        visit_bill.sell_product(product(), storage(for_sale=False, for_services=True), 1, now=NOW, actor_id=3)
    assert "storage_id" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        visit_bill.add_consumable(100, product(), storage(), 1, now=NOW, actor_id=3)
    assert "storage_id" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        visit_bill.add_consumable(999, product(), storage(for_services=True), 1, now=NOW, actor_id=3)
    assert "line_id" in refused.value.errors


def test_a_newer_appointment_version_replaces_the_lines_and_reverses_consumables_of_lines_removed():
    visit_bill, dye, back_room = bill(3000, 4500), product(unit="ml"), storage(for_services=True)
    kept = numbered(visit_bill.add_consumable(100, dye, back_room, 30, now=NOW, actor_id=3))
    dropped = numbered(visit_bill.add_consumable(101, dye, back_room, 50, now=NOW, actor_id=3))
    fewer = visit(3500, version=2)  # the second line is gone, the first costs more
    visit_bill.copy_appointment(fewer, NOW)
    assert [(line.line_id, line.total) for line in visit_bill.lines] == [(100, 3500)]
    assert kept.live and not dropped.live and dropped.return_movement.quantity == 50
    with pytest.raises(NothingToChange):
        visit_bill.copy_appointment(visit(9999, version=2), NOW)  # a repeat
    with pytest.raises(NothingToChange):
        visit_bill.copy_appointment(visit(9999, version=1), NOW)  # late
    assert visit_bill.total == 3500


def test_a_deleted_visit_gives_its_stock_back_once_and_keeps_its_payments_for_a_refund():
    visit_bill, shop, back_room = bill(3000), storage(), storage(for_services=True)
    sale = numbered(visit_bill.sell_product(product(), shop, 1, now=NOW, actor_id=3))
    used = numbered(visit_bill.add_consumable(100, product(), back_room, 5, now=NOW, actor_id=3))
    pay(visit_bill, CASH, 1000)
    visit_bill.copy_appointment(visit(3000, version=2, state="deleted"), NOW)
    assert not sale.live and not used.live
    returned = (sale.return_movement, used.return_movement)
    assert visit_bill.refund_status == "manual_refund_required" and visit_bill.paid == 1000
    visit_bill.copy_appointment(visit(3000, version=3, state="deleted"), NOW)  # a later version, still deleted
    assert (sale.return_movement, used.return_movement) == returned
    with pytest.raises(Conflict):
        pay(visit_bill, CASH)
    visit_bill.delete_payment(visit_bill.payments[0].id, 3, NOW)  # the refund made
    assert visit_bill.refund_status is None


def test_a_cancelled_visit_keeps_its_sales_takes_no_more_money_and_marks_money_to_refund():
    visit_bill = bill(3000)
    pay(visit_bill, CASH, 3000)
    visit_bill.copy_appointment(visit(3000, version=2, state="cancelled"), NOW)
    assert visit_bill.refund_status == "manual_refund_required"
    with pytest.raises(Conflict) as refused:
        visit_bill.sell_product(product(), storage(), 1, now=NOW, actor_id=3)
    assert "appointment_id" in refused.value.errors


def test_a_cheaper_line_after_paying_leaves_nothing_due_and_shows_what_was_overpaid():
    visit_bill = bill(5000)
    pay(visit_bill, CARD)
    visit_bill.copy_appointment(visit(4000, version=2), NOW)
    assert (visit_bill.due, visit_bill.overpaid, visit_bill.payment_status) == (0, 1000, "paid")


def test_the_staff_members_own_bill_of_materials_comes_before_the_services():
    for_all = BillOfMaterials(1, service_id=1, items=[{"product_id": 5, "quantity": 10}], id=1)
    for_anna = BillOfMaterials(1, service_id=1, items=[{"product_id": 5, "quantity": 20}], staff_member_id=5, id=2)
    other = BillOfMaterials(1, service_id=2, items=[], id=3)
    assert choose_bill_of_materials([for_all, for_anna, other], 1, 5) is for_anna
    assert choose_bill_of_materials([for_all, for_anna, other], 1, 6) is for_all
    assert choose_bill_of_materials([for_anna], 1, 6) is None
    assert for_anna.materials()[0].quantity == 20


# ---------------------------------------------------------------- gift cards and memberships


def test_a_gift_card_pays_part_of_a_bill_never_goes_below_zero_and_gets_it_back_once():
    visit_bill, card = bill(8000), gift_card(5000)
    payment = pay(visit_bill, GIFT_CARD, gift_card=card)  # quick: all the card may pay
    assert (payment.amount, card.balance, visit_bill.due) == (5000, 0, 3000)
    with pytest.raises(Conflict) as refused:
        pay(bill(1000), GIFT_CARD, 100, gift_card=card)
    assert "code" in refused.value.errors
    visit_bill.delete_payment(payment.id, 3, NOW, gift_card=card)
    assert card.balance == 5000 and card.uses == 0
    with pytest.raises(NothingToChange):
        visit_bill.delete_payment(payment.id, 3, NOW, gift_card=card)
    assert card.balance == 5000


def test_a_gift_card_that_is_expired_single_use_used_or_void_is_refused_by_its_code():
    expired = gift_card(validity_days=1)
    with pytest.raises(Conflict) as refused:
        bill(1000).take_payment(GIFT_CARD, None, now=NOW + timedelta(days=2), actor_id=3, gift_card=expired)
    assert "expired" in refused.value.errors["code"][0]
    once = gift_card(5000, multiple_use=False)
    pay(bill(1000), GIFT_CARD, gift_card=once)
    assert once.balance == 4000
    with pytest.raises(Conflict) as refused:
        pay(bill(1000), GIFT_CARD, gift_card=once)
    assert "one use" in refused.value.errors["code"][0]


def test_a_gift_card_for_services_pays_only_the_services():
    visit_bill, card = bill(3000), gift_card(10000, pays_for="services")
    numbered(visit_bill.sell_product(product(price=2000), storage(), 1, now=NOW, actor_id=3))
    payment = pay(visit_bill, GIFT_CARD, gift_card=card)
    assert payment.amount == 3000 and visit_bill.due == 2000
    with pytest.raises(Conflict):
        pay(visit_bill, GIFT_CARD, gift_card=card)  # nothing of the services is left to pay


def test_a_restricted_card_pays_what_is_left_of_its_part_after_every_other_gift_card_whatever_the_order():
    """Services 3000, products 2000, a gift card sold for 5000. An "anything" card that paid 4000
    leaves 1000 of services and products for a "services" card, not the 3000 of services: the rest
    of what is due is the gift card sold, which only money pays."""
    visit_bill = bill(3000)
    numbered(visit_bill.sell_product(product(price=2000), storage(), 1, now=NOW, actor_id=3))
    visit_bill.sell_card(gift_card(5000, paid=False), NOW)
    pay(visit_bill, GIFT_CARD, 4000, gift_card=gift_card(9000))
    services_only = gift_card(9000, pays_for="services")
    assert pay(visit_bill, GIFT_CARD, gift_card=services_only).amount == 1000
    with pytest.raises(Conflict):
        pay(visit_bill, GIFT_CARD, 1, gift_card=gift_card(9000, pays_for="products"))
    assert pay(visit_bill, CASH).amount == 5000 and visit_bill.due == 0


def test_a_membership_pays_the_services_it_covers_and_uses_up_its_uses():
    visit_bill, card = bill(3000, 4500), membership(uses=3, service_ids=(1,))
    payment = pay(visit_bill, MEMBERSHIP, membership=card)
    assert (payment.amount, payment.membership_uses, payment.covered_line_ids) == (3000, 1, [100])
    assert payment.covered_units == [{"line_id": 100, "units": 1}]
    assert card.uses_left == 2 and visit_bill.due == 4500
    with pytest.raises(Conflict) as refused:
        pay(visit_bill, MEMBERSHIP, membership=card)  # its line is covered already
    assert "code" in refused.value.errors
    visit_bill.delete_payment(payment.id, 3, NOW, membership=card)
    assert card.uses_left == 3


def test_a_membership_is_its_clients_and_pays_one_unit_of_a_line_per_use():
    others = membership(client_id=99)
    with pytest.raises(Conflict) as refused:
        pay(bill(3000), MEMBERSHIP, membership=others)
    assert "another client" in refused.value.errors["code"][0]
    two_cuts = bill(6000)
    two_cuts.lines[0].quantity = 2
    one_left = membership(uses=1)
    payment = pay(two_cuts, MEMBERSHIP, membership=one_left)  # pays the one cut it has a use for
    assert (payment.amount, payment.membership_uses, one_left.uses_left, two_cuts.due) == (3000, 1, 0, 3000)
    other = pay(two_cuts, MEMBERSHIP, membership=membership(uses=5))  # another membership: the second cut
    assert (other.amount, other.membership_uses, other.covered_units) == (3000, 1, [{"line_id": 100, "units": 1}])


def test_a_membership_paying_part_of_a_line_uses_one_use_per_unit_it_reaches():
    three = bill(1000)
    three.lines[0].quantity = 3  # units of 334, 333, 333
    card = membership(uses=10)
    part = pay(three, MEMBERSHIP, 300, membership=card)  # within the first unit
    assert (part.membership_uses, card.uses_left, part.covered_units) == (1, 9, [{"line_id": 100, "units": 1}])
    more = pay(three, MEMBERSHIP, 400, membership=card)  # the second unit and part of the third
    assert (more.membership_uses, card.uses_left, three.due) == (2, 7, 300)
    with pytest.raises(Conflict) as refused:
        pay(three, MEMBERSHIP, membership=card)  # every unit has been paid by a membership
    assert "code" in refused.value.errors
    assert pay(three, CASH).amount == 300  # what the memberships left of those units is paid otherwise
    three.delete_payment(more.id, 3, NOW, membership=card)
    assert card.uses_left == 9 and three.due == 400
    with pytest.raises(Conflict) as refused:
        pay(three, MEMBERSHIP, 401, membership=card)  # two units are free again, worth 666, but only 400 is due
    assert "amount" in refused.value.errors


def test_cards_sold_join_the_bill_and_an_unused_one_can_be_taken_back():
    visit_bill, card = bill(3000), gift_card(5000, paid=False)
    visit_bill.sell_card(card, NOW)
    assert visit_bill.sales_total == 5000 and visit_bill.total == 8000
    visit_bill.void_card(card, 3, NOW)
    assert visit_bill.total == 3000
    used = gift_card(5000, paid=False)
    visit_bill.sell_card(used, NOW)
    pay(visit_bill, CASH, 5000)
    pay(bill(1000), GIFT_CARD, gift_card=used)
    with pytest.raises(Conflict):
        visit_bill.void_card(used, 3, NOW)


# ---------------------------------------------------------------- a card sold is usable once paid for


def test_a_card_sold_is_usable_only_once_its_visits_money_pays_for_it():
    buying, card = bill(3000), gift_card(5000, paid=False)
    buying.sell_card(card, NOW)
    elsewhere = bill(4000)
    with pytest.raises(Conflict) as refused:
        pay(elsewhere, GIFT_CARD, gift_card=card)  # visit A unpaid: the card cannot pay visit B
    assert "not paid for" in refused.value.errors["code"][0]
    pay(buying, CASH, 4999)
    assert card.paid_at is None
    first = pay(buying, CARD, 1)  # the money covers the card now (cards are paid for first)
    assert card.paid_at == NOW and buying.due == 3000
    assert pay(elsewhere, GIFT_CARD, gift_card=card).amount == 4000
    with pytest.raises(Conflict) as refused:
        buying.delete_payment(first.id, 3, NOW)  # the card is used: the money that paid for it stays
    assert "payment_id" in refused.value.errors and first.live and card.paid_at == NOW


def test_deleting_the_money_that_paid_for_an_unused_card_makes_it_unusable_again():
    buying, card = bill(0), gift_card(5000, paid=False)
    buying.sell_card(card, NOW)
    cash = pay(buying, CASH)
    assert card.paid_at == NOW
    buying.delete_payment(cash.id, 3, NOW)
    assert card.paid_at is None
    with pytest.raises(Conflict) as refused:
        pay(bill(1000), GIFT_CARD, gift_card=card)
    assert "code" in refused.value.errors


def test_a_membership_sold_and_paid_for_today_pays_todays_cut():
    visit_bill, card = bill(3000), membership(uses=5, price=7500, paid=False)
    visit_bill.sell_card(card, NOW)
    with pytest.raises(Conflict):
        pay(visit_bill, MEMBERSHIP, membership=card)
    pay(visit_bill, CASH, 7500)  # the membership's price, in cash
    used = pay(visit_bill, MEMBERSHIP, membership=card)
    assert (used.amount, visit_bill.due, visit_bill.payment_status) == (3000, 0, "paid")
    with pytest.raises(Conflict) as refused:
        visit_bill.delete_payment(visit_bill.payments[0].id, 3, NOW)
    assert "payment_id" in refused.value.errors
    visit_bill.delete_payment(used.id, 3, NOW, membership=card)  # its use first
    visit_bill.delete_payment(visit_bill.payments[0].id, 3, NOW)  # then the money
    assert card.paid_at is None and card.uses_left == 5


def test_gift_cards_never_pay_for_cards_sold_in_the_visit():
    visit_bill, old_card = bill(3000), gift_card(20000)
    visit_bill.sell_card(gift_card(5000, paid=False), NOW)
    assert pay(visit_bill, GIFT_CARD, gift_card=old_card).amount == 3000  # the services only
    with pytest.raises(Conflict) as refused:
        pay(visit_bill, GIFT_CARD, 1, gift_card=old_card)
    assert "do not pay for the memberships and gift cards" in refused.value.errors["code"][0]
    assert pay(visit_bill, CASH).amount == 5000


# ---------------------------------------------------------------- any sequence adds up

operations = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.sampled_from([CASH, CARD]), st.one_of(st.none(), st.integers(1, 20000))),
        st.tuples(st.just("gift"), st.one_of(st.none(), st.integers(1, 20000))),
        st.tuples(st.just("card_sold"), st.integers(0, 8000)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("sell"), st.integers(0, 5000), st.integers(1, 3)),
        st.tuples(st.just("unsell"), st.integers(0, 30)),
        st.tuples(st.just("reprice"), st.lists(st.integers(0, 10000), min_size=0, max_size=3)),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10000), min_size=1, max_size=3), operations)
def test_paid_and_due_always_add_up_and_a_gift_card_never_goes_below_zero(prices, steps):
    visit_bill, card, version = bill(*prices), gift_card(7000), 1
    shop, sold = storage(allows_negative=True), []
    for step in steps:
        try:
            if step[0] == "pay":
                pay(visit_bill, step[1], step[2])
            elif step[0] == "gift":
                pay(visit_bill, GIFT_CARD, step[1], gift_card=card)
            elif step[0] == "delete" and visit_bill.payments:
                payment = visit_bill.payments[step[1] % len(visit_bill.payments)]
                source = {"gift_card": card} if payment.gift_card_id == card.id else {}
                visit_bill.delete_payment(payment.id, 3, NOW, **source)
            elif step[0] == "card_sold":
                sold.append(numbered(gift_card(max(step[1], 1), price=step[1], paid=False)))
                visit_bill.sell_card(sold[-1], NOW)
            elif step[0] == "sell":
                numbered(visit_bill.sell_product(product(price=step[1]), shop, step[2], now=NOW, actor_id=3))
            elif step[0] == "unsell" and visit_bill.product_sales:
                visit_bill.remove_product_sale(visit_bill.product_sales[step[1] % len(visit_bill.product_sales)].id,
                                               3, NOW)  # fmt: skip
            elif step[0] == "reprice":
                version += 1
                lines = tuple(LineCopy(200 + i, 1, "Line", None, total, 1, 0, total) for i, total in enumerate(step[1]))
                visit_bill.copy_appointment(_with_lines(version, lines), NOW)
        except (Conflict, NothingToChange):
            pass
        live = visit_bill.live_payments
        assert visit_bill.paid == sum(payment.amount for payment in live)
        assert visit_bill.total == visit_bill.services_total + visit_bill.sales_total
        assert visit_bill.sales_total == sum(sale.total for sale in visit_bill.live_sales) + sum(c.price for c in sold)
        assert visit_bill.paid + visit_bill.due - visit_bill.overpaid == visit_bill.total
        assert visit_bill.due >= 0 and visit_bill.overpaid >= 0
        assert 0 <= card.balance == 7000 - sum(p.amount for p in live if p.gift_card_id == card.id)
        # Cards sold are paid for first, by money only, in the order sold.
        money_paid, prices = sum(p.amount for p in live if p.method in (CASH, CARD)), 0
        for each in sold:
            prices += each.price
            assert (each.paid_at is not None) == (prices <= money_paid)
        stock_moved = sum(
            sale.movement.quantity + (sale.return_movement.quantity if sale.return_movement else 0)
            for sale in visit_bill.product_sales
        )
        assert stock_moved == -sum(sale.quantity for sale in visit_bill.live_sales)


def _with_lines(version, lines):
    base = visit(version=version)
    return type(base)(base.appointment_id, base.client_id, base.staff_member_id, base.starts_at, base.state,
                      version, lines)  # fmt: skip


@given(st.lists(st.integers(1, 5000), min_size=1, max_size=8), st.data())
def test_paying_in_full_never_lets_a_later_payment_through(parts, data):
    """However a bill is split, the payments stop exactly at its total."""
    visit_bill = bill(sum(parts))
    for part in parts:
        pay(visit_bill, data.draw(st.sampled_from([CASH, CARD])), part)
    assert visit_bill.due == 0 and visit_bill.paid == visit_bill.total
    with pytest.raises(Conflict):
        pay(visit_bill, CASH, data.draw(st.integers(1, 10**6)))
