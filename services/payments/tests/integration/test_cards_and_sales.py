"""On a fresh PostgreSQL database: a card sold is usable only once its visit's money pays for it, and
that money cannot be deleted once the card is used; gift cards never pay for cards; a membership
uses one use per unit it pays; products and cards sold carry an Idempotency-Key; the staff member a
sale is credited to is the company's."""

import pytest
from payments_api import OWNER, key, rpc, sell, till
from sqlalchemy import func, select

from payments import models
from salon_infra.errors import Conflict, InvalidInput


@pytest.fixture
def api(uow, bookings, scheduling):
    return rpc(uow, bookings, scheduling)


@pytest.fixture
def shop(api, company_id):
    return till(api, company_id)


@pytest.fixture
def gift(api, company_id):
    return api.create_catalogue(company_id, "gift_card_type", {"title": "Gift 50", "face_value": 5000,
                                                               "validity_days": 365})  # fmt: skip


def pay(api, company_id, appointment, method="cash", amount=None, **more):
    payment = {"method": method, "idempotency_key": key(), "actor_id": OWNER, **more}
    if amount is not None:
        payment["amount"] = amount
    return api.take_payment(company_id, appointment["id"], payment)


def sell_card(api, company_id, appointment, type_id, kind="gift_card", **more):
    sale = {"kind": kind, "type_id": type_id, "actor_id": OWNER, "idempotency_key": key(), **more}
    return api.sell_card(company_id, appointment["id"], sale)


def count(uow, table, **where) -> int:
    with uow:
        statement = select(func.count()).select_from(table)
        for column, value in where.items():
            statement = statement.where(table.c[column] == value)
        return uow.session.scalar(statement)


# ---------------------------------------------------------------- cards usable once paid for


def test_a_gift_card_pays_nothing_until_the_visit_that_sold_it_has_paid_for_it(api, bookings, company_id, shop, gift):
    buying = bookings.book(company_id, 3000)
    sold = sell_card(api, company_id, buying, gift["id"])
    code = sold["card"]["code"]
    assert (sold["card"]["state"], sold["card"]["paid_at"]) == ("not_paid", None)
    other_visit = bookings.book(company_id, 4000)
    with pytest.raises(Conflict) as refused:
        pay(api, company_id, other_visit, "gift_card", code=code)
    assert "not paid for" in refused.value.errors["code"][0]
    assert api.get_bill(company_id, other_visit["id"])["payments"] == []
    money = pay(api, company_id, buying, "card", 5000)  # the card's price: paid for (cards come first)
    assert money["bill"]["due"] == 3000
    assert api.find_card(company_id, code)["state"] == "active"
    spent = pay(api, company_id, other_visit, "gift_card", 1000, code=code)
    with pytest.raises(Conflict) as refused:  # the money that paid for a used card stays
        api.delete_payment(company_id, buying["id"], money["payment"]["id"], {"actor_id": OWNER})
    assert "payment_id" in refused.value.errors
    assert api.get_bill(company_id, buying["id"])["paid"] == 5000
    api.delete_payment(company_id, other_visit["id"], spent["payment"]["id"], {"actor_id": OWNER})
    bill = api.delete_payment(company_id, buying["id"], money["payment"]["id"], {"actor_id": OWNER})
    assert bill["paid"] == 0 and bill["cards"][0]["state"] == "not_paid"
    with pytest.raises(Conflict):
        pay(api, company_id, other_visit, "gift_card", code=code)


def test_a_gift_card_never_pays_for_a_card_sold_in_the_same_visit(api, bookings, company_id, shop, gift):
    earlier = bookings.book(company_id, 100)
    old_code = sell_card(api, company_id, earlier, gift["id"])["card"]["code"]
    pay(api, company_id, earlier, "cash")
    buying = bookings.book(company_id, 1000)
    sell_card(api, company_id, buying, gift["id"])
    paid = pay(api, company_id, buying, "gift_card", code=old_code)  # all it may: the service
    assert (paid["payment"]["amount"], paid["bill"]["due"]) == (1000, 5000)
    with pytest.raises(Conflict) as refused:
        pay(api, company_id, buying, "gift_card", 100, code=old_code)
    assert "do not pay for the memberships and gift cards" in refused.value.errors["code"][0]


def test_a_services_card_pays_what_is_left_of_the_services_and_products_after_other_cards(
    api, bookings, company_id, shop
):
    types = {pays_for: api.create_catalogue(company_id, "gift_card_type", {
        "title": f"For {pays_for}", "face_value": 9000, "pays_for": pays_for, "validity_days": 30})
        for pays_for in ("any", "services", "products")}  # fmt: skip
    codes = {}
    for pays_for, card_type in types.items():
        buying = bookings.book(company_id, 100)
        codes[pays_for] = sell_card(api, company_id, buying, card_type["id"])["card"]["code"]
        pay(api, company_id, buying, "cash")
    visit = bookings.book(company_id, 3000)
    sell(api, company_id, visit, {"product_id": shop["shampoo"]["id"], "quantity": 1})  # 1500
    cash = pay(api, company_id, visit, "cash", 3000)  # cash first: fungible, it may have paid the product
    services = pay(api, company_id, visit, "gift_card", code=codes["services"])
    assert services["payment"]["amount"] == 1500 and services["bill"]["due"] == 0
    api.delete_payment(company_id, visit["id"], cash["payment"]["id"], {"actor_id": OWNER})
    assert pay(api, company_id, visit, "gift_card", code=codes["services"])["payment"]["amount"] == 1500
    with pytest.raises(Conflict) as refused:  # the services are all paid by the services card now
        pay(api, company_id, visit, "gift_card", code=codes["services"])
    assert "code" in refused.value.errors
    assert pay(api, company_id, visit, "gift_card", code=codes["any"])["payment"]["amount"] == 1500
    with pytest.raises(Conflict) as refused:
        pay(api, company_id, visit, "gift_card", code=codes["products"])
    assert refused.value.errors == {"amount": ["Nothing is due."]}


def test_a_membership_uses_one_use_per_unit_it_pays(api, bookings, company_id, shop):
    kind = api.create_catalogue(company_id, "membership_type", {"title": "Ten washes", "price": 2000, "uses": 10,
                                                                "validity_days": 90, "service_ids": [1]})  # fmt: skip
    visit = bookings.book(company_id, 100)
    code = sell_card(api, company_id, visit, kind["id"], kind="membership")["card"]["code"]
    pay(api, company_id, visit, "cash")
    three = bookings.book(company_id, 0)
    bookings.change(company_id, three["id"], services=[{**three["services"][0], "price": 1000, "quantity": 3,
                                                         "total": 3000}])  # fmt: skip
    part = pay(api, company_id, three, "membership", 1000, code=code, seen_version=2)
    assert (part["payment"]["membership_uses"], part["payment"]["covered_units"]) == (
        1, [{"line_id": three["services"][0]["id"], "units": 1}])  # fmt: skip
    assert api.find_card(company_id, code)["uses_left"] == 9
    rest = pay(api, company_id, three, "membership", code=code)
    assert (rest["payment"]["amount"], rest["payment"]["membership_uses"], rest["bill"]["due"]) == (2000, 2, 0)
    assert api.find_card(company_id, code)["uses_left"] == 7


# ---------------------------------------------------------------- an Idempotency-Key on sales


def test_a_product_sale_replays_under_its_key_and_another_sale_under_it_is_refused(api, bookings, company_id, shop):
    visit = bookings.book(company_id, 3000)
    sale = {"product_id": shop["shampoo"]["id"], "quantity": 1, "actor_id": OWNER, "idempotency_key": key()}
    first = api.sell_product(company_id, visit["id"], sale)
    again = api.sell_product(company_id, visit["id"], sale)
    assert again == {**first, "replayed": True} and first["replayed"] is False
    assert first["sale"]["id"] == first["bill"]["products"][0]["id"]
    with pytest.raises(InvalidInput) as refused:
        api.sell_product(company_id, visit["id"], {**sale, "quantity": 2})
    assert "idempotency_key" in refused.value.errors
    assert count(api.uow, models.product_sales, company_id=company_id) == 1
    assert count(api.uow, models.stock_movements, company_id=company_id, kind="sale") == 1
    with pytest.raises(InvalidInput) as refused:
        api.sell_product(company_id, visit["id"], {k: v for k, v in sale.items() if k != "idempotency_key"})
    assert "idempotency_key" in refused.value.errors


def test_a_card_sale_replays_under_its_key_with_the_same_card(api, bookings, company_id, shop, gift):
    visit = bookings.book(company_id, 3000)
    sale = {"kind": "gift_card", "type_id": gift["id"], "actor_id": OWNER, "idempotency_key": key()}
    first, again = api.sell_card(company_id, visit["id"], sale), api.sell_card(company_id, visit["id"], sale)
    assert again == {**first, "replayed": True}
    assert count(api.uow, models.gift_cards, company_id=company_id) == 1
    with pytest.raises(InvalidInput) as refused:
        api.sell_card(company_id, visit["id"], {**sale, "code": "SUMMER2027"})
    assert "idempotency_key" in refused.value.errors


# ---------------------------------------------------------------- who sold it


def test_a_sale_is_credited_only_to_an_active_staff_member_of_the_company(api, bookings, scheduling, company_id, shop):
    visit = bookings.book(company_id, 3000)
    api.get_bill(company_id, visit["id"])  # the till shows the bill first
    own = sell(api, company_id, visit, {"product_id": shop["shampoo"]["id"], "quantity": 1, "staff_member_id": 5})
    assert own["products"][0]["staff_member_id"] == 5 and scheduling.asked == 0  # the visit's own: no asking
    other = sell(api, company_id, visit, {"product_id": shop["shampoo"]["id"], "quantity": 1, "staff_member_id": 6})
    assert other["products"][1]["staff_member_id"] == 6 and scheduling.asked == 1
    for staff_member_id, problem in ((999, "No such staff member"), (7, "no longer works here")):
        with pytest.raises(InvalidInput) as refused:
            sell(api, company_id, visit, {"product_id": shop["shampoo"]["id"], "quantity": 1,
                                          "staff_member_id": staff_member_id})  # fmt: skip
        assert problem in refused.value.errors["staff_member_id"][0]
    assert count(api.uow, models.product_sales, company_id=company_id) == 2
