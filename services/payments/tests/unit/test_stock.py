"""The stock ledger as pure code: movements add up to the stock, sales and consumables are taken back
once, and nothing leaves a storage without negative stock below zero."""

import pytest
from bills_to_test import COMPANY, NOW, product, storage
from hypothesis import given
from hypothesis import strategies as st

from payments.domain import stock
from payments.domain.stock import ARRIVAL, CONSUMABLE, SALE, WRITE_OFF
from salon_infra.errors import Conflict, InvalidInput


def test_each_kind_moves_stock_its_way():
    shop, gel = storage(), product()
    made = {kind: stock.movement(COMPANY, shop, gel, kind, 3, 1, NOW) for kind in (ARRIVAL, SALE, CONSUMABLE,
                                                                                  WRITE_OFF)}  # fmt: skip
    assert {kind: each.quantity for kind, each in made.items()} == {ARRIVAL: 3, SALE: -3, CONSUMABLE: -3,
                                                                    WRITE_OFF: -3}  # fmt: skip
    made[SALE].id = 1
    back = made[SALE].reversal(2, NOW)
    assert (back.kind, back.quantity, back.reverses_id) == ("sale_return", 3, 1)
    with pytest.raises(InvalidInput):
        made[ARRIVAL].reversal(2, NOW)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, stock.MAX_QUANTITY + 1])
def test_a_quantity_is_a_positive_whole_number(quantity):
    with pytest.raises(InvalidInput) as refused:
        stock.movement(COMPANY, storage(), product(), ARRIVAL, quantity, 1, NOW)
    assert "quantity" in refused.value.errors


def test_a_storage_is_for_sale_for_services_or_both():
    with pytest.raises(InvalidInput):
        storage(for_sale=False, for_services=False)
    storage(for_sale=False, for_services=True).require("services")
    with pytest.raises(InvalidInput) as refused:
        storage(for_sale=False, for_services=True).require("sale")
    assert "storage_id" in refused.value.errors


def test_what_is_not_there_cannot_be_taken_unless_the_storage_allows_negative_stock():
    gel = product(title="Gel")
    with pytest.raises(Conflict) as refused:
        stock.require_available(2, 3, storage(title="Shop"), gel)
    assert refused.value.errors == {"quantity": ["Only 2 pcs in stock in Shop."]}
    stock.require_available(2, 2, storage(), gel)
    stock.require_available(0, 5, storage(allows_negative=True), gel)


@given(st.lists(st.tuples(st.sampled_from([ARRIVAL, SALE, CONSUMABLE, WRITE_OFF]), st.integers(1, 50)), max_size=60),
       st.booleans())  # fmt: skip
def test_the_stock_is_what_the_ledger_adds_up_to_and_never_below_zero_where_not_allowed(moves, negative_allowed):
    """Every movement the rules let through: the level is their sum, and only a storage that allows
    it ever goes below zero. Reversing each sale and consumable once restores the arrivals' stock."""
    shop, gel = storage(for_services=True, allows_negative=negative_allowed), product()
    ledger, level = [], 0
    for number, (kind, quantity) in enumerate(moves):
        made = stock.movement(COMPANY, shop, gel, kind, quantity, 1, NOW)
        made.id = number + 1
        try:
            stock.require_available(level, -made.quantity, shop, gel)
        except Conflict:
            continue
        ledger.append(made)
        level += made.quantity
        assert level >= 0 or negative_allowed
    assert stock.levels(ledger).get((shop.id, gel.id), 0) == level
    reversals = [each.reversal(1, NOW) for each in ledger if each.kind in (SALE, CONSUMABLE)]
    assert len({each.reverses_id for each in reversals}) == len(reversals)  # one reversal each
    arrived = sum(each.quantity for each in ledger if each.kind == ARRIVAL)
    written_off = sum(each.quantity for each in ledger if each.kind == WRITE_OFF)
    assert stock.levels(ledger + reversals).get((shop.id, gel.id), 0) == arrived + written_off
