"""Races decided by the database, with real threads on real PostgreSQL: two tills paying what is due
at the same moment, a double click landing twice at once, two tills spending one gift card, two
sales of the last one in stock, and two deletes of one payment."""

import threading
from functools import partial

import pytest
from payments_api import OWNER, key, level, rpc, sell_card, till
from sqlalchemy import func, select

from payments import models
from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict

ROUNDS = 10


def at_once(*calls):
    """Run each call in its own thread, released together; [(result or None, error or None)]."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = (call(), None)
        except Exception as problem:  # each outcome is checked by the test
            outcomes[index] = (None, problem)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def on_a_worker(worker, method: str, *args):
    """A call of the service's RPC method on a fresh worker, to run in a thread."""
    return partial(lambda: getattr(worker(), method)(*args))


@pytest.fixture
def worker(sessions, bookings):
    """A fresh service instance with its own unit of work, as each nameko worker has."""
    return lambda: rpc(UnitOfWork(sessions), bookings)


@pytest.fixture
def shop(worker, company_id):
    return till(worker(), company_id)


def payments_of(sessions, company_id) -> list:
    with UnitOfWork(sessions) as uow:
        return list(uow.session.execute(
            select(models.payments.c.amount, models.payments.c.deleted_at).where(
                models.payments.c.company_id == company_id)
        ))  # fmt: skip


def test_two_tills_paying_the_full_due_amount_at_once_make_one_payment(worker, bookings, company_id, shop, sessions):
    for _ in range(ROUNDS):
        appointment = bookings.book(company_id, 4500)
        worker().get_bill(company_id, appointment["id"])

        outcomes = at_once(*(
            on_a_worker(worker, "take_payment", company_id, appointment["id"],
                        {"method": method, "amount": 4500, "idempotency_key": key(), "actor_id": OWNER})
            for method in ("cash", "card")
        ))  # fmt: skip
        won = [result for result, error in outcomes if error is None]
        lost = [error for result, error in outcomes if error is not None]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert isinstance(lost[0], Conflict) and "amount" in lost[0].errors
        assert worker().get_bill(company_id, appointment["id"])["paid"] == 4500
    assert sum(amount for amount, _ in payments_of(sessions, company_id)) == 4500 * ROUNDS


def test_a_double_click_landing_twice_at_once_pays_once(worker, bookings, company_id, shop, sessions):
    for _ in range(ROUNDS):
        appointment = bookings.book(company_id, 3000)
        worker().get_bill(company_id, appointment["id"])
        payment = {"method": "cash", "idempotency_key": key(), "actor_id": OWNER}
        outcomes = at_once(*[on_a_worker(worker, "take_payment", company_id, appointment["id"], payment)] * 2)
        assert [error for _, error in outcomes] == [None, None], outcomes
        first, second = sorted((result for result, _ in outcomes), key=lambda answer: answer["replayed"])
        assert (first["replayed"], second["replayed"]) == (False, True)
        assert second["payment"] == first["payment"]
    assert len(payments_of(sessions, company_id)) == ROUNDS


def test_two_tills_spending_one_gift_card_at_once_never_take_it_below_zero(
    worker, bookings, company_id, shop, sessions
):
    kind = worker().create_catalogue(company_id, "gift_card_type", {"title": "Gift", "face_value": 5000,
                                                                    "validity_days": 30})  # fmt: skip
    for _ in range(ROUNDS):
        sold = sell_card(worker(), company_id, bookings.book(company_id, 100), "gift_card", kind["id"])
        code = sold["card"]["code"]
        visits = [bookings.book(company_id, 4000), bookings.book(company_id, 4000)]
        for visit in visits:
            worker().get_bill(company_id, visit["id"])

        outcomes = at_once(*(
            on_a_worker(worker, "take_payment", company_id, visit["id"], {
                "method": "gift_card", "code": code, "amount": 4000, "idempotency_key": key(), "actor_id": OWNER})
            for visit in visits
        ))  # fmt: skip
        errors = [error for _, error in outcomes if error is not None]
        assert len(errors) == 1 and isinstance(errors[0], Conflict), outcomes
        assert worker().find_card(company_id, code)["balance"] == 1000


def test_two_sales_of_the_last_one_in_stock_make_one_sale(worker, bookings, company_id, shop):
    gel = worker().create_catalogue(company_id, "product", {"title": "Gel", "sale_price": 900})
    for _ in range(ROUNDS):
        worker().record_stock_movement(
            company_id,
            {
                "kind": "arrival",
                "storage_id": shop["shop"]["id"],
                "product_id": gel["id"],
                "quantity": 1,
                "actor_id": OWNER,
            },
        )
        visits = [bookings.book(company_id, 100), bookings.book(company_id, 100)]
        for visit in visits:
            worker().get_bill(company_id, visit["id"])

        outcomes = at_once(*(
            on_a_worker(worker, "sell_product", company_id, visit["id"],
                        {"product_id": gel["id"], "quantity": 1, "actor_id": OWNER, "idempotency_key": key()})
            for visit in visits
        ))  # fmt: skip
        errors = [error for _, error in outcomes if error is not None]
        assert len(errors) == 1 and errors[0].errors == {"quantity": ["Only 0 pcs in stock in Shop."]}, outcomes
        assert level(worker(), company_id, shop["shop"], gel) == 0


def test_two_deletes_of_one_gift_card_payment_at_once_give_its_value_back_once(worker, bookings, company_id, shop):
    kind = worker().create_catalogue(company_id, "gift_card_type", {"title": "Gift", "face_value": 5000,
                                                                    "validity_days": 30})  # fmt: skip
    code = sell_card(worker(), company_id, bookings.book(company_id, 100), "gift_card", kind["id"])["card"]["code"]
    for _ in range(ROUNDS):
        visit = bookings.book(company_id, 3000)
        paid = worker().take_payment(
            company_id, visit["id"], {"method": "gift_card", "code": code, "idempotency_key": key(), "actor_id": OWNER}
        )
        payment_id = paid["payment"]["id"]
        outcomes = at_once(*[on_a_worker(worker, "delete_payment", company_id, visit["id"], payment_id,
                                         {"actor_id": OWNER})] * 2)  # fmt: skip
        assert [error for _, error in outcomes] == [None, None]
        assert worker().find_card(company_id, code)["balance"] == 5000


def test_a_double_tap_on_add_sale_landing_twice_at_once_sells_once(worker, bookings, company_id, shop, sessions):
    for _ in range(ROUNDS):
        visit = bookings.book(company_id, 100)
        worker().get_bill(company_id, visit["id"])
        sale = {"product_id": shop["shampoo"]["id"], "quantity": 1, "actor_id": OWNER, "idempotency_key": key()}
        worker().record_stock_movement(company_id, {"kind": "arrival", "storage_id": shop["shop"]["id"],
                                                    "product_id": shop["shampoo"]["id"], "quantity": 1,
                                                    "actor_id": OWNER})  # fmt: skip
        outcomes = at_once(*[on_a_worker(worker, "sell_product", company_id, visit["id"], sale)] * 2)
        assert [error for _, error in outcomes] == [None, None], outcomes
        assert sorted(result["replayed"] for result, _ in outcomes) == [False, True]
        assert len(worker().get_bill(company_id, visit["id"])["products"]) == 1


def test_deleting_the_money_that_paid_for_a_card_and_spending_the_card_at_once_never_both_happen(
    worker, bookings, company_id, shop
):
    kind = worker().create_catalogue(company_id, "gift_card_type", {"title": "Gift", "face_value": 5000,
                                                                    "validity_days": 30})  # fmt: skip
    spent_only = deleted_only = 0
    for _ in range(ROUNDS):
        buying = bookings.book(company_id, 100)
        code = sell_card(worker(), company_id, buying, "gift_card", kind["id"], paid=False)["card"]["code"]
        cash = {"method": "cash", "amount": 5000, "idempotency_key": key(), "actor_id": OWNER}
        money = worker().take_payment(company_id, buying["id"], cash)
        using = bookings.book(company_id, 2000)
        worker().get_bill(company_id, using["id"])
        with_card = {"method": "gift_card", "code": code, "idempotency_key": key(), "actor_id": OWNER}
        money_id = money["payment"]["id"]
        spend, delete = at_once(
            on_a_worker(worker, "take_payment", company_id, using["id"], with_card),
            on_a_worker(worker, "delete_payment", company_id, buying["id"], money_id, {"actor_id": OWNER}),
        )
        assert (spend[1] is None) != (delete[1] is None), (spend, delete)
        refused = spend[1] or delete[1]
        assert isinstance(refused, Conflict) and set(refused.errors) & {"code", "payment_id"}, refused
        card = worker().find_card(company_id, code)
        if spend[1] is None:
            spent_only += 1
            assert worker().get_bill(company_id, buying["id"])["paid"] == 5000 and card["balance"] == 3000
        else:
            deleted_only += 1
            assert card["state"] == "not_paid" and card["balance"] == 5000
    assert spent_only + deleted_only == ROUNDS


def test_every_level_is_what_its_ledger_adds_up_to_after_the_races(worker, bookings, company_id, shop, sessions):
    """Sales, take-backs, write-offs and arrivals of one product at once, on several visits; then every
    stock level in the database is what its ledger adds up to (this test makes its own races)."""
    gel = worker().create_catalogue(company_id, "product", {"title": "Race gel", "sale_price": 500})
    move = {"storage_id": shop["shop"]["id"], "product_id": gel["id"], "actor_id": OWNER}
    worker().record_stock_movement(company_id, {**move, "kind": "arrival", "quantity": 20})
    visits = [bookings.book(company_id, 100) for _ in range(4)]
    for visit in visits:
        worker().get_bill(company_id, visit["id"])
    sales = [{"product_id": gel["id"], "quantity": 3, "actor_id": OWNER, "idempotency_key": key()} for _ in visits]
    sold = at_once(
        *(
            on_a_worker(worker, "sell_product", company_id, visit["id"], sale)
            for visit, sale in zip(visits, sales, strict=True)
        ),
        on_a_worker(worker, "record_stock_movement", company_id, {**move, "kind": "write_off", "quantity": 5}),
    )
    assert all(error is None for _, error in sold), sold
    taken_back = [(visit["id"], answer["sale"]["id"]) for visit, (answer, _) in zip(visits[:2], sold[:2], strict=True)]
    at_once(
        *(on_a_worker(worker, "remove_product_sale", company_id, visit_id, sale_id, {"actor_id": OWNER})
          for visit_id, sale_id in taken_back),
        on_a_worker(worker, "record_stock_movement", company_id, {**move, "kind": "arrival", "quantity": 2}),
    )  # fmt: skip
    assert level(worker(), company_id, shop["shop"], gel) == 20 - 12 - 5 + 6 + 2
    with UnitOfWork(sessions) as uow:
        movements = models.stock_movements
        sums = select(movements.c.storage_id, movements.c.product_id, func.sum(movements.c.quantity).label("total"))
        ledger = {(r.storage_id, r.product_id): r.total for r in uow.session.execute(
            sums.group_by(movements.c.storage_id, movements.c.product_id))}  # fmt: skip
        levels = {(r.storage_id, r.product_id): r.quantity for r in uow.session.execute(select(models.stock_levels))}
    assert ledger and levels == ledger
