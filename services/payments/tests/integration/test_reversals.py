"""When the ledger already holds the reversal of a sale's or consumable's stock movement (written by
another path: here, by hand), taking it back is refused by the one-reversal index at flush. The
change is then done again, taking that reversal as its own: the answer is a live bill, the stock
comes back exactly once, and bookings' deletion event is handled instead of requeued forever."""

import pytest
from payments_api import OWNER, event, level, rpc, sell, till
from sqlalchemy import insert, select

from payments import models


@pytest.fixture
def api(uow, bookings, scheduling):
    return rpc(uow, bookings, scheduling)


@pytest.fixture
def shop(api, company_id):
    return till(api, company_id)


def reverse_by_hand(api, company_id: int, table, record_id: int) -> int:
    """A reversal of the record's movement written straight into the ledger; its id."""
    with api.uow as uow:
        movement_id = uow.session.scalar(select(table.c.movement_id).where(table.c.id == record_id))
        moved = uow.session.execute(
            select(models.stock_movements).where(models.stock_movements.c.id == movement_id)
        ).one()
        made = uow.session.execute(
            insert(models.stock_movements).values(
                company_id=company_id, storage_id=moved.storage_id, product_id=moved.product_id,
                kind=f"{moved.kind}_return", quantity=-moved.quantity, created_at=moved.created_at,
                reverses_id=movement_id, note="by hand",
            ).returning(models.stock_movements.c.id)
        ).scalar_one()  # fmt: skip
        uow.commit()
    return made


def returned_by(api, table, record_id: int) -> int | None:
    with api.uow as uow:
        return uow.session.scalar(select(table.c.return_movement_id).where(table.c.id == record_id))


def test_taking_back_a_sale_reversed_elsewhere_answers_the_bill_and_returns_the_stock_once(
    api, bookings, company_id, shop
):
    visit = bookings.book(company_id, 3000)
    [sale] = sell(api, company_id, visit, {"product_id": shop["shampoo"]["id"], "quantity": 2})["products"]
    assert level(api, company_id, shop["shop"], shop["shampoo"]) == 3
    by_hand = reverse_by_hand(api, company_id, models.product_sales, sale["id"])
    assert level(api, company_id, shop["shop"], shop["shampoo"]) == 5
    bill = api.remove_product_sale(company_id, visit["id"], sale["id"], {"actor_id": OWNER})
    assert (bill["products"], bill["total"], bill["sales_total"]) == ([], 3000, 0)
    assert level(api, company_id, shop["shop"], shop["shampoo"]) == 5
    assert returned_by(api, models.product_sales, sale["id"]) == by_hand
    again = api.remove_product_sale(company_id, visit["id"], sale["id"], {"actor_id": OWNER})
    assert again["version"] == bill["version"]


def test_a_consumable_reversed_elsewhere_is_removed_with_that_reversal(api, bookings, company_id, shop):
    visit = bookings.book(company_id, 3000)
    line_id = visit["services"][0]["id"]
    bill = api.add_consumable(company_id, visit["id"], {"line_id": line_id, "product_id": shop["dye"]["id"],
                                                        "quantity": 40, "actor_id": OWNER})  # fmt: skip
    [used] = bill["lines"][0]["consumables"]
    by_hand = reverse_by_hand(api, company_id, models.consumables, used["id"])
    bill = api.remove_consumable(company_id, visit["id"], used["id"], {"actor_id": OWNER})
    assert bill["lines"][0]["consumables"] == []
    assert level(api, company_id, shop["back"], shop["dye"]) == 500
    assert returned_by(api, models.consumables, used["id"]) == by_hand


def test_a_deleted_visit_whose_sale_was_reversed_elsewhere_is_recorded_once_not_requeued(
    api, bookings, company_id, shop
):
    visit = bookings.book(company_id, 3000)
    [sale] = sell(api, company_id, visit, {"product_id": shop["shampoo"]["id"], "quantity": 1})["products"]
    other = sell(api, company_id, visit, {"product_id": shop["shampoo"]["id"], "quantity": 1})["products"][1]
    reverse_by_hand(api, company_id, models.product_sales, sale["id"])
    deleted = event(bookings.change(company_id, visit["id"], state="deleted"), "appointment_deleted")
    api.on_appointment(deleted)  # raised before, so the event came back for ever
    api.on_appointment(deleted)
    bill = api.get_bill(company_id, visit["id"])
    assert (bill["state"], bill["products"], bill["sales_total"]) == ("deleted", [], 0)
    assert level(api, company_id, shop["shop"], shop["shampoo"]) == 5
    assert returned_by(api, models.product_sales, other["id"]) is not None
