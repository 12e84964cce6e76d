"""The checkout through the service's RPC methods on a fresh PostgreSQL database: the bill kept from
bookings' events, payments quick and split, deleted; products and their stock; consumables and
bills of materials; memberships and gift cards; the day's takings; and nothing half-written."""

from datetime import UTC, datetime, timedelta

import pytest
from payments_api import OWNER, event, key, level, rpc, sell, sell_card, till
from sqlalchemy import func, select

from payments import models
from salon_infra.errors import Conflict, InvalidInput, NotFound


@pytest.fixture
def api(uow, bookings, scheduling):
    return rpc(uow, bookings, scheduling)


@pytest.fixture
def shop(api, company_id):
    return till(api, company_id)


def count(uow, table, **where) -> int:
    with uow:
        statement = select(func.count()).select_from(table)
        for column, value in where.items():
            statement = statement.where(table.c[column] == value)
        return uow.session.scalar(statement)


def pay(api, company_id, appointment, method="cash", amount=None, idempotency_key=None, **more):
    payment = {"method": method, "idempotency_key": idempotency_key or key(), "actor_id": OWNER, **more}
    if amount is not None:
        payment["amount"] = amount
    return api.take_payment(company_id, appointment["id"], payment)


# ---------------------------------------------------------------- the bill from bookings' events


def test_the_bill_follows_bookings_events_and_keeps_only_newer_versions(api, bookings, company_id):
    appointment = bookings.book(company_id, 3000, 4500)
    api.on_appointment(event(appointment, "appointment_created"))
    bill = api.get_bill(company_id, appointment["id"])
    assert [line["total"] for line in bill["lines"]] == [3000, 4500]
    assert (bill["total"], bill["due"], bill["payment_status"], bill["paid_in_full"]) == (7500, 7500, "not_paid", False)
    older = event(appointment)
    changed = bookings.change(company_id, appointment["id"], services=appointment["services"][:1], total_price=3000)
    api.on_appointment(event(changed))
    api.on_appointment(older)  # late
    api.on_appointment(event(changed))  # again
    assert api.get_bill(company_id, appointment["id"])["total"] == 3000
    assert bookings.asked == 0


def test_a_visit_whose_events_have_not_arrived_is_read_from_bookings_once(api, bookings, company_id):
    appointment = bookings.book(company_id, 2500)
    assert api.get_bill(company_id, appointment["id"])["total"] == 2500
    assert api.get_bill(company_id, appointment["id"])["total"] == 2500
    assert bookings.asked == 1
    bookings.change(company_id, appointment["id"], services=[{**appointment["services"][0], "total": 2000}])
    # The caller saw version 2: the bill catches up, though the event is still on its way.
    assert api.get_bill(company_id, appointment["id"], seen_version=2)["total"] == 2000
    with pytest.raises(NotFound):
        api.get_bill(company_id, 999_999_999)


# ---------------------------------------------------------------- payments


def test_quick_payment_pays_all_that_is_due_to_the_default_desk(api, bookings, company_id, shop):
    appointment = bookings.book(company_id, 3000, 4500)
    paid = pay(api, company_id, appointment, "card")
    assert paid["replayed"] is False
    assert (paid["payment"]["amount"], paid["payment"]["cash_desk_id"]) == (7500, shop["card"]["id"])
    assert (paid["bill"]["due"], paid["bill"]["paid_in_full"]) == (0, True)


def test_a_split_payment_then_a_deleted_one(api, bookings, company_id, shop):
    appointment = bookings.book(company_id, 10000)
    first = pay(api, company_id, appointment, "cash", 4000)
    assert first["bill"]["due"] == 6000 and first["bill"]["payment_status"] == "partly_paid"
    with pytest.raises(Conflict) as refused:
        pay(api, company_id, appointment, "card", 6001)
    assert "amount" in refused.value.errors
    second = pay(api, company_id, appointment, "card", 6000)
    assert second["bill"]["paid_in_full"] is True
    bill = api.delete_payment(company_id, appointment["id"], second["payment"]["id"], {"actor_id": 8})
    deleted = bill["payments"][1]
    assert (deleted["state"], deleted["deleted_by_id"]) == ("deleted", 8) and deleted["deleted_at"]
    assert (bill["due"], bill["paid"]) == (6000, 4000)
    again = api.delete_payment(company_id, appointment["id"], second["payment"]["id"], {"actor_id": 8})
    assert again["due"] == 6000
    with pytest.raises(NotFound):
        api.delete_payment(company_id, appointment["id"], 999_999_999, {"actor_id": 8})


def test_the_same_key_and_request_replays_the_first_answer_and_another_request_is_refused(
    api, bookings, company_id, shop
):
    appointment = bookings.book(company_id, 5000)
    the_key = key()
    first = pay(api, company_id, appointment, "cash", 2000, idempotency_key=the_key)
    again = pay(api, company_id, appointment, "cash", 2000, idempotency_key=the_key)
    assert again == {**first, "replayed": True}
    with pytest.raises(InvalidInput) as refused:
        pay(api, company_id, appointment, "cash", 2500, idempotency_key=the_key)
    assert "idempotency_key" in refused.value.errors
    assert count(api.uow, models.payments, bill_id=_bill_id(api, company_id, appointment)) == 1


def test_bad_payments_name_their_field_and_write_nothing(api, bookings, company_id):
    appointment = bookings.book(company_id, 5000)
    for payment, field in (
        ({"method": "cash"}, "method"),  # the salon has no cash desk yet
        ({"method": "bitcoin"}, "method"),
        ({"method": "cash", "amount": -5}, "amount"),
        ({"method": "gift_card"}, "code"),
        ({"method": "gift_card", "code": "NOSUCHCODE"}, "code"),
        ({"method": "card", "cash_desk_id": 999_999_999}, "cash_desk_id"),
    ):
        with pytest.raises(InvalidInput) as refused:
            api.take_payment(company_id, appointment["id"], {**payment, "idempotency_key": key(), "actor_id": OWNER})
        assert field in refused.value.errors, payment
    with pytest.raises(InvalidInput) as refused:
        api.take_payment(company_id, appointment["id"], {"method": "cash", "actor_id": OWNER})
    assert "idempotency_key" in refused.value.errors
    assert count(api.uow, models.payments, company_id=company_id) == 0
    assert count(api.uow, models.idempotent_requests, company_id=company_id) == 0


# ---------------------------------------------------------------- products and stock


def test_a_product_sold_takes_stock_and_taking_the_sale_back_returns_it_once(api, bookings, company_id, shop):
    appointment = bookings.book(company_id, 3000)
    sale = {"product_id": shop["shampoo"]["id"], "quantity": 2, "actor_id": OWNER, "discount": {"percent": 10}}
    bill = sell(api, company_id, appointment, sale)
    [sold] = bill["products"]
    assert (sold["total"], sold["storage_id"], sold["staff_member_id"]) == (2700, shop["shop"]["id"], 5)
    assert (bill["sales_total"], bill["total"]) == (2700, 5700)
    assert level(api, company_id, shop["shop"], shop["shampoo"]) == 3
    bill = api.remove_product_sale(company_id, appointment["id"], sold["id"], {"actor_id": OWNER})
    api.remove_product_sale(company_id, appointment["id"], sold["id"], {"actor_id": OWNER})
    assert bill["products"] == [] and bill["total"] == 3000
    assert level(api, company_id, shop["shop"], shop["shampoo"]) == 5
    kinds = [m["kind"] for m in api.stock_movements(company_id, {"product_id": shop["shampoo"]["id"]})]
    assert kinds.count("sale_return") == 1


def test_stock_that_is_not_there_is_refused_and_nothing_is_written(api, bookings, company_id, shop):
    appointment = bookings.book(company_id, 3000)
    before = count(api.uow, models.stock_movements, company_id=company_id)
    with pytest.raises(Conflict) as refused:
        sell(api, company_id, appointment, {"product_id": shop["shampoo"]["id"], "quantity": 6})
    assert refused.value.errors == {"quantity": ["Only 5 pcs in stock in Shop."]}
    for sale, field in (
        ({"product_id": shop["shampoo"]["id"], "quantity": -1}, "quantity"),
        ({"product_id": 999_999_999, "quantity": 1}, "product_id"),
        ({"product_id": shop["shampoo"]["id"], "quantity": 1, "storage_id": shop["back"]["id"]}, "storage_id"),
        ({"product_id": shop["shampoo"]["id"], "quantity": 1, "discount": {"amount": 99999}}, "discount.amount"),
    ):
        with pytest.raises(InvalidInput) as refused:
            sell(api, company_id, appointment, sale)
        assert field in str(refused.value.errors), sale
    assert count(api.uow, models.stock_movements, company_id=company_id) == before
    assert count(api.uow, models.product_sales, company_id=company_id) == 0
    assert api.get_bill(company_id, appointment["id"])["total"] == 3000


def test_arrivals_and_write_offs_keep_the_level_the_sum_of_the_ledger(api, company_id, shop):
    gel = api.create_catalogue(company_id, "product", {"title": "Gel", "unit": "ml"})
    move = {"storage_id": shop["back"]["id"], "product_id": gel["id"], "actor_id": OWNER}
    api.record_stock_movement(company_id, {**move, "kind": "arrival", "quantity": 100, "note": "Delivery 42"})
    api.record_stock_movement(company_id, {**move, "kind": "write_off", "quantity": 30, "note": "Spilt"})
    with pytest.raises(Conflict) as refused:
        api.record_stock_movement(company_id, {**move, "kind": "write_off", "quantity": 71})
    assert "quantity" in refused.value.errors
    with pytest.raises(InvalidInput):
        api.record_stock_movement(company_id, {**move, "kind": "sale", "quantity": 1})
    assert level(api, company_id, shop["back"], gel) == 70
    with api.uow as uow:
        from payments import repository

        assert repository.ledger_sum(uow.session, shop["back"]["id"], gel["id"]) == 70
    negative = api.create_catalogue(company_id, "storage", {"title": "Van", "allows_negative": True})
    api.record_stock_movement(company_id, {**move, "storage_id": negative["id"], "kind": "write_off", "quantity": 3})
    assert level(api, company_id, negative, gel) == -3


def test_titles_articles_and_barcodes_are_unique_in_the_company(api, company_id, shop):
    with pytest.raises(Conflict) as refused:
        api.create_catalogue(company_id, "product", {"title": "Another", "article": "SH-1"})
    assert "article" in refused.value.errors
    twin = api.create_catalogue(company_id, "product", {"title": "Shampoo", "article": "SH-2"})  # titles may repeat
    assert twin["id"] != shop["shampoo"]["id"] and twin["title"] == shop["shampoo"]["title"]
    with pytest.raises(Conflict) as refused:
        api.create_catalogue(company_id, "storage", {"title": "Shop"})
    assert "title" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        api.create_catalogue(company_id, "storage", {"title": "Nowhere", "for_sale": False})
    assert "for_sale" in refused.value.errors
    changed = api.update_catalogue(company_id, "product", shop["shampoo"]["id"], {"sale_price": 1700})
    assert changed["sale_price"] == 1700 and changed["article"] == "SH-1"


# ---------------------------------------------------------------- consumables and bills of materials


def test_consumables_and_a_bill_of_materials_are_written_off_and_reversed_once(api, bookings, company_id, shop):
    appointment = bookings.book(company_id, 9000, service_ids={0: 77})
    line_id = appointment["services"][0]["id"]
    api.set_bill_of_materials(company_id, {"service_id": 77, "items": [
        {"product_id": shop["dye"]["id"], "quantity": 40}, {"product_id": shop["shampoo"]["id"], "quantity": 1},
    ]})  # fmt: skip
    bill = api.apply_bill_of_materials(company_id, appointment["id"], {"line_id": line_id, "actor_id": OWNER})
    assert sorted(c["quantity"] for c in bill["lines"][0]["consumables"]) == [1, 40]
    with pytest.raises(Conflict) as refused:
        api.apply_bill_of_materials(company_id, appointment["id"], {"line_id": line_id, "actor_id": OWNER})
    assert "line_id" in refused.value.errors
    bill = api.add_consumable(company_id, appointment["id"], {"line_id": line_id, "product_id": shop["dye"]["id"],
                                                              "quantity": 15, "actor_id": OWNER})  # fmt: skip
    assert level(api, company_id, shop["back"], shop["dye"]) == 500 - 55
    extra = next(c for c in bill["lines"][0]["consumables"] if c["quantity"] == 15)
    api.remove_consumable(company_id, appointment["id"], extra["id"], {"actor_id": OWNER})
    api.remove_consumable(company_id, appointment["id"], extra["id"], {"actor_id": OWNER})
    assert level(api, company_id, shop["back"], shop["dye"]) == 500 - 40
    assert api.get_bill(company_id, appointment["id"])["total"] == 9000  # consumables cost the client nothing


def test_a_bill_of_materials_needs_the_companys_products_and_a_storage_for_services(api, company_id, shop):
    with pytest.raises(InvalidInput) as refused:
        api.set_bill_of_materials(company_id, {"service_id": 1, "items": [
            {"product_id": 999_999_999, "quantity": 1},
            {"product_id": shop["dye"]["id"], "quantity": 1, "storage_id": shop["shop"]["id"]},
        ]})  # fmt: skip
    assert refused.value.errors == {"items": {
        "0": {"product_id": ["No such product."]}, "1": {"storage_id": ["Shop is not a storage for services."]},
    }}  # fmt: skip
    own = api.set_bill_of_materials(company_id, {"service_id": 1, "staff_member_id": 5, "items": [
        {"product_id": shop["dye"]["id"], "quantity": 2}]})  # fmt: skip
    assert own["staff_member_id"] == 5
    assert api.set_bill_of_materials(company_id, {"service_id": 1, "staff_member_id": 5, "items": []}) is None
    assert api.list_bills_of_materials(company_id) == []


# ---------------------------------------------------------------- memberships and gift cards


def test_a_gift_card_is_sold_with_a_generated_code_and_pays_another_visit(api, bookings, company_id, shop):
    kind = api.create_catalogue(company_id, "gift_card_type", {"title": "Gift 50", "face_value": 5000,
                                                               "validity_days": 365})  # fmt: skip
    buying = bookings.book(company_id, 3000)
    sold = sell_card(api, company_id, buying, "gift_card", kind["id"])
    code = sold["card"]["code"]
    assert len(code) == 14 and sold["bill"]["total"] == 8000 and sold["card"]["balance"] == 5000
    using = bookings.book(company_id, 7000)
    paid = pay(api, company_id, using, "gift_card", code=code.lower())
    assert (paid["payment"]["amount"], paid["bill"]["due"]) == (5000, 2000)
    assert api.find_card(company_id, code)["balance"] == 0
    api.delete_payment(company_id, using["id"], paid["payment"]["id"], {"actor_id": OWNER})
    api.delete_payment(company_id, using["id"], paid["payment"]["id"], {"actor_id": OWNER})
    assert api.find_card(company_id, code)["balance"] == 5000
    passes = api.create_catalogue(company_id, "membership_type", {"title": "Pass", "price": 100, "uses": 1,
                                                                  "validity_days": 9, "service_ids": [1]})  # fmt: skip
    with pytest.raises(Conflict) as refused:  # one code per company, whatever the kind of card
        sell_card(api, company_id, bookings.book(company_id, 100), "membership", passes["id"], code=code)
    assert "code" in refused.value.errors


def test_a_membership_sold_with_a_typed_code_pays_its_services_and_runs_out(api, bookings, company_id, shop):
    kind = api.create_catalogue(company_id, "membership_type", {
        "title": "Two cuts", "price": 5000, "uses": 2, "validity_days": 90, "service_ids": [1]})  # fmt: skip
    first = bookings.book(company_id, 3000)
    sold = sell_card(api, company_id, first, "membership", kind["id"], code="cut-pass-1", paid=False)
    assert sold["card"]["code"] == "CUTP-ASS1" and sold["bill"]["total"] == 8000
    assert sold["card"]["state"] == "not_paid"
    with pytest.raises(Conflict) as refused:  # not paid for yet: not even for this visit's cut
        pay(api, company_id, first, "membership", code="CUTPASS1")
    assert "not paid for" in refused.value.errors["code"][0]
    pay(api, company_id, first, "cash", 5000)  # its price: it is paid for first
    used = pay(api, company_id, first, "membership", code="CUTPASS1")
    assert (used["payment"]["amount"], used["bill"]["due"], used["bill"]["paid_in_full"]) == (3000, 0, True)
    second = bookings.book(company_id, 3000)
    pay(api, company_id, second, "membership", code="CUTPASS1")
    third = bookings.book(company_id, 3000)
    with pytest.raises(Conflict) as refused:
        pay(api, company_id, third, "membership", code="CUTPASS1")
    assert "no uses left" in refused.value.errors["code"][0]
    someone_else = bookings.book(company_id, 3000, client_id=99)
    with pytest.raises(Conflict):
        pay(api, company_id, someone_else, "membership", code="CUTPASS1")
    with pytest.raises(Conflict) as refused:
        sell_card(api, company_id, third, "membership", kind["id"], code="CUTPASS1")
    assert "code" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:  # a typed code is not guessable: 8 characters, 4 different
        sell_card(api, company_id, third, "membership", kind["id"], code="CUT-1")
    assert "code" in refused.value.errors


def test_an_unused_card_sold_can_be_taken_back_and_its_code_stays_taken(api, bookings, company_id):
    kind = api.create_catalogue(company_id, "gift_card_type", {"title": "Gift", "face_value": 2000,
                                                               "validity_days": 30})  # fmt: skip
    appointment = bookings.book(company_id, 1000)
    sold = sell_card(api, company_id, appointment, "gift_card", kind["id"], code="SPRING2027", paid=False)
    bill = api.void_card(company_id, appointment["id"], "gift_card", sold["card"]["id"], {"actor_id": OWNER})
    assert bill["cards"] == [] and bill["total"] == 1000
    with pytest.raises(Conflict):
        sell_card(api, company_id, appointment, "gift_card", kind["id"], code="SPRING2027", paid=False)
    assert len(api.generate_code(company_id)["code"]) == 14


# ---------------------------------------------------------------- the visit deleted, the day's takings


def test_a_deleted_visit_gives_back_its_stock_and_consumables_once_however_often_it_is_told(
    api, bookings, company_id, shop
):
    appointment = bookings.book(company_id, 3000)
    sell(api, company_id, appointment, {"product_id": shop["shampoo"]["id"], "quantity": 2})
    api.add_consumable(company_id, appointment["id"], {"line_id": appointment["services"][0]["id"],
                                                       "product_id": shop["dye"]["id"], "quantity": 25,
                                                       "actor_id": OWNER})  # fmt: skip
    pay(api, company_id, appointment, "cash", 1000)
    deleted = event(bookings.change(company_id, appointment["id"], state="deleted"), "appointment_deleted")
    for _ in range(3):
        api.on_appointment(deleted)
    api.on_appointment(event(bookings.change(company_id, appointment["id"], state="deleted"), "appointment_deleted"))
    assert level(api, company_id, shop["shop"], shop["shampoo"]) == 5
    assert level(api, company_id, shop["back"], shop["dye"]) == 500
    bill = api.get_bill(company_id, appointment["id"])
    assert (bill["state"], bill["refund_status"], bill["paid"]) == ("deleted", "manual_refund_required", 1000)
    with pytest.raises(Conflict):
        pay(api, company_id, appointment, "cash")


def test_the_days_takings_by_desk_and_method_in_the_salons_day(api, bookings, company_id, shop):
    for method, amount in (("cash", 1000), ("cash", 500), ("card", 2500)):
        pay(api, company_id, bookings.book(company_id, amount), method)
    today = datetime.now(UTC).date().isoformat()
    takings = api.takings(company_id, {"date": today, "timezone": "UTC"})
    assert [(row["title"], row["amount"]) for row in takings["by_cash_desk"]] == [("Till", 1500), ("Terminal", 2500)]
    assert takings["total"] == 4000
    assert api.takings(company_id, {"date": "2001-01-01", "timezone": "UTC"})["total"] == 0
    with pytest.raises(InvalidInput) as refused:
        api.takings(company_id, {"date": today, "timezone": "Mars/Olympus"})
    assert "timezone" in refused.value.errors
    for day, zone in (("9999-12-31", "UTC"), ("9999-12-31", "America/New_York"), ("0001-01-01", "Asia/Tokyo")):
        with pytest.raises(InvalidInput) as refused:
            api.takings(company_id, {"date": day, "timezone": zone})
        assert "date" in refused.value.errors, day


def test_a_gift_card_spent_is_a_redemption_apart_from_the_money_and_a_deletion_counts_minus(
    api, bookings, company_id, shop
):
    kind = api.create_catalogue(company_id, "gift_card_type", {"title": "Gift", "face_value": 5000,
                                                               "validity_days": 30})  # fmt: skip
    code = sell_card(api, company_id, bookings.book(company_id, 1000), "gift_card", kind["id"])["card"]["code"]
    visit = bookings.book(company_id, 2000)
    pay(api, company_id, visit, "gift_card", code=code)
    refunded = pay(api, company_id, bookings.book(company_id, 700), "card")
    api.delete_payment(company_id, refunded["bill"]["appointment_id"], refunded["payment"]["id"], {"actor_id": OWNER})
    today = datetime.now(UTC).date().isoformat()
    takings = api.takings(company_id, {"date": today, "timezone": "UTC"})
    assert (takings["total"], takings["money"]["taken"], takings["money"]["deleted"]) == (6000, 6700, 700)
    assert takings["redemptions"]["amount"] == 2000  # not added to the 6000 that bought the card and the visit
    assert [(entry["method"], entry["amount"]) for entry in takings["deletions"]] == [("card", -700)]


def test_one_default_desk_of_each_kind(api, company_id, shop):
    second = api.create_cash_desk(company_id, {"title": "Second till", "kind": "cash", "is_default": True})
    desks = {desk["title"]: desk for desk in api.list_cash_desks(company_id)}
    assert (desks["Till"]["is_default"], desks["Second till"]["is_default"], desks["Terminal"]["is_default"]) == (
        False, True, True,
    )  # fmt: skip
    api.update_cash_desk(company_id, shop["cash"]["id"], {"is_default": True})
    assert [d["title"] for d in api.list_cash_desks(company_id) if d["is_default"]] == ["Till", "Terminal"]
    assert api.update_cash_desk(company_id, second["id"], {"active": False})["active"] is False


def _bill_id(api, company_id, appointment) -> int:
    with api.uow as uow:
        return uow.session.scalar(
            select(models.bills.c.id).where(models.bills.c.company_id == company_id,
                                            models.bills.c.appointment_id == appointment["id"])
        )  # fmt: skip


def test_an_expired_or_cancelled_card_is_refused_naming_the_code_and_nothing_is_paid(api, bookings, company_id, shop):
    kind = api.create_catalogue(company_id, "gift_card_type", {"title": "Gift", "face_value": 5000,
                                                               "validity_days": 30})  # fmt: skip
    sold = sell_card(api, company_id, bookings.book(company_id, 100), "gift_card", kind["id"])
    with api.uow as uow:  # a month and a day later
        uow.session.execute(
            models.gift_cards.update()
            .where(models.gift_cards.c.id == sold["card"]["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(days=1))
        )
        uow.commit()
    visit = bookings.book(company_id, 3000)
    with pytest.raises(Conflict) as refused:
        pay(api, company_id, visit, "gift_card", code=sold["card"]["code"])
    assert "expired" in refused.value.errors["code"][0]
    assert api.find_card(company_id, sold["card"]["code"])["state"] == "expired"
    assert api.get_bill(company_id, visit["id"])["payments"] == []
    voided = sell_card(api, company_id, visit, "gift_card", kind["id"], paid=False)
    api.void_card(company_id, visit["id"], "gift_card", voided["card"]["id"], {"actor_id": OWNER})
    with pytest.raises(Conflict) as refused:
        pay(api, company_id, bookings.book(company_id, 3000), "gift_card", code=voided["card"]["code"])
    assert "cancelled" in refused.value.errors["code"][0]
