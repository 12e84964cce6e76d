"""The visit's checkout through the gateway, on the whole system (real PostgreSQL and RabbitMQ): quick
and split payments, deleted payments, the double-click replay, two tills racing for what is due and
for one gift card, products and their stock given back exactly once (a sale taken back, a visit
deleted), consumables and bills of materials, memberships and gift cards, the day's takings, the
rights, bad input; and "paid in full" reaching the overview through payments' events."""

import itertools
import threading
import time
from datetime import date, timedelta
from functools import partial

import pytest
from support.api import Api, new_key
from support.salon import open_salon
from test_rights import sign_in

FIRST_DAY = date.today() + timedelta(days=30)
_slots = itertools.count()


def next_slot(salon):
    """A start of its own for each appointment: hourly, 09:00 to 17:00, day after day."""
    number = next(_slots)
    return salon.local(FIRST_DAY + timedelta(days=number // 9), 9 + number % 9)


@pytest.fixture(scope="module")
def shop(cluster):
    """One salon for the module, set up as a salon sets up its till; each test books its own visits."""
    salon = open_salon(Api(cluster.gateway_url))
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    salon.add_service("Cut", 30, ["Anna", "Ben"], price=3000)
    salon.add_service("Colour", 30, ["Anna"], price=4500)
    salon.add_service("Blow-dry", 30, ["Anna"], price=2000)
    api = salon.api
    salon.desks = {kind: api.ok("POST", "/api/v1/cash-desks", {"title": title, "kind": kind})
                   for title, kind in (("Front till", "cash"), ("Card terminal", "non_cash"))}  # fmt: skip
    salon.shop = api.ok("POST", "/api/v1/storages", {"title": "Shop"})
    salon.back = api.ok("POST", "/api/v1/storages", {"title": "Back room", "for_sale": False, "for_services": True})
    salon.shampoo = api.ok("POST", "/api/v1/products", {"title": "Shampoo", "sale_price": 1500, "unit": "pcs"})
    salon.dye = api.ok("POST", "/api/v1/products", {"title": "Dye", "unit": "ml", "cost_price": 5})
    salon.gift = api.ok("POST", "/api/v1/gift-card-types", {"title": "Gift 50", "face_value": 5000,
                                                            "validity_days": 365})  # fmt: skip
    salon.passes = api.ok("POST", "/api/v1/membership-types", {
        "title": "Three cuts", "price": 7500, "uses": 3, "validity_days": 90,
        "service_ids": [salon.services["Cut"]]})  # fmt: skip
    return salon


def arrive(salon, product, storage, quantity):
    body = {"kind": "arrival", "storage_id": storage["id"], "product_id": product["id"], "quantity": quantity}
    return salon.api.ok("POST", "/api/v1/stock/movements", body)


def stock(salon, product, storage) -> int:
    rows = salon.api.ok("GET", "/api/v1/stock", params={"storage_id": storage["id"], "product_id": product["id"]})
    return rows[0]["quantity"] if rows else 0


def visit(salon, *services, staff="Anna") -> dict:
    response = salon.book_as_staff(list(services), next_slot(salon), staff)
    assert response.status_code == 201, response.text
    return response.json()["appointment"]


def pay(salon, appointment, method="cash", amount=None, key=None, api=None, **more):
    body = {"method": method, **more}
    if amount is not None:
        body["amount"] = amount
    return (api or salon.api).post(f"/api/v1/appointments/{appointment['id']}/payments", body,
                                   headers={"Idempotency-Key": key or new_key()})  # fmt: skip


def sell(salon, appointment, body, key=None, api=None):
    """A product sold in the visit ("Add sale"), with an Idempotency-Key of its own unless given."""
    return (api or salon.api).post(f"/api/v1/appointments/{appointment['id']}/products", body,
                                   headers={"Idempotency-Key": key or new_key()})  # fmt: skip


def sell_card(salon, appointment, kind, type_id, code=None, key=None, paid=True) -> dict:
    """A membership or gift card sold in the visit: {bill, card}; `paid`: and the visit's money paid in
    cash, so the card is usable."""
    body = {"kind": kind, "type_id": type_id, **({"code": code} if code else {})}
    sold = salon.api.ok("POST", f"/api/v1/appointments/{appointment['id']}/cards", body,
                        headers={"Idempotency-Key": key or new_key()})  # fmt: skip
    if paid:
        assert pay(salon, appointment, "cash").status_code == 201
    return sold


def bill(salon, appointment, api=None) -> dict:
    return (api or salon.api).ok("GET", f"/api/v1/appointments/{appointment['id']}/bill")


def overview_ids(salon, paid: str) -> set[int]:
    page = salon.api.ok("GET", "/api/v1/bookings-overview", params={"paid": paid, "limit": 200})
    return {row["id"] for row in page["rows"]}


def eventually(check, timeout=15.0):
    """Events travel through the outbox, the relay and the broker: wait a little for them."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.1)


def at_once(*calls):
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


# ---------------------------------------------------------------- payments


def test_cash_in_one_step_pays_everything_and_paid_in_full_reaches_the_overview(shop):
    appointment = visit(shop, "Cut", "Colour")
    assert (bill(shop, appointment)["total"], bill(shop, appointment)["due"]) == (7500, 7500)
    paid = pay(shop, appointment, "cash")
    assert paid.status_code == 201, paid.text
    answer = paid.json()
    assert (answer["payment"]["amount"], answer["payment"]["cash_desk_id"]) == (7500, shop.desks["cash"]["id"])
    assert (answer["bill"]["due"], answer["bill"]["paid_in_full"], answer["replayed"]) == (0, True, False)
    assert answer["payment"]["taken_at"].endswith(("+01:00", "+02:00"))  # the salon's offset
    eventually(lambda: appointment["id"] in overview_ids(shop, "paid_in_full"))
    shown = shop.api.ok("GET", f"/api/v1/appointments/{appointment['id']}")
    assert (shown["paid_amount"], shown["payment_status"]) == (7500, "paid")


def test_a_split_payment_and_a_deleted_one_reach_the_overview(shop):
    appointment = visit(shop, "Cut", "Colour")
    first = pay(shop, appointment, "cash", 5000).json()
    assert (first["bill"]["due"], first["bill"]["payment_status"]) == (2500, "partly_paid")
    second = pay(shop, appointment, "card", 2500)
    assert second.status_code == 201 and second.json()["bill"]["paid_in_full"] is True
    eventually(lambda: appointment["id"] in overview_ids(shop, "paid_in_full"))
    card_payment = second.json()["payment"]["id"]
    deleted = shop.api.request("DELETE", f"/api/v1/appointments/{appointment['id']}/payments/{card_payment}")
    assert deleted.status_code == 200, deleted.text
    after = deleted.json()
    assert (after["due"], after["paid"]) == (2500, 5000)
    gone = next(p for p in after["payments"] if p["id"] == card_payment)
    assert gone["state"] == "deleted" and gone["deleted_by_id"] and gone["deleted_at"]
    eventually(lambda: appointment["id"] in overview_ids(shop, "not_paid_in_full"))
    assert pay(shop, appointment, "card").json()["payment"]["amount"] == 2500  # the quick button pays the rest


def test_a_double_click_replays_the_first_answer_and_a_reused_key_is_refused(shop):
    appointment = visit(shop, "Cut")
    key = new_key()
    first, again = pay(shop, appointment, "cash", 1000, key=key), pay(shop, appointment, "cash", 1000, key=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == {**first.json(), "replayed": True}
    other = pay(shop, appointment, "card", 1000, key=key)
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["errors"]["json"]
    assert bill(shop, appointment)["paid"] == 1000
    without = shop.api.post(f"/api/v1/appointments/{appointment['id']}/payments", {"method": "cash"})
    assert without.status_code == 422 and "Idempotency-Key" in without.json()["errors"]["json"]


def test_two_tills_paying_the_full_due_amount_at_once_make_one_payment(shop):
    for _ in range(5):
        appointment = visit(shop, "Cut")
        bill(shop, appointment)
        answers = at_once(partial(pay, shop, appointment, "cash", 3000), partial(pay, shop, appointment, "card", 3000))
        assert sorted(answer.status_code for answer in answers) == [201, 409], [a.text for a in answers]
        refused = next(answer for answer in answers if answer.status_code == 409)
        assert "amount" in refused.json()["errors"]["json"]
        assert [p["amount"] for p in bill(shop, appointment)["payments"]] == [3000]


def test_a_payment_never_takes_more_than_is_due_and_bad_methods_name_their_field(shop, cluster):
    appointment = visit(shop, "Cut")
    over = pay(shop, appointment, "cash", 3001)
    assert over.status_code == 409 and "amount" in over.json()["errors"]["json"]
    assert pay(shop, appointment, "cheque").status_code == 422
    unknown = pay(shop, appointment, "gift_card", code="NO-SUCH-CARD")
    assert unknown.status_code == 422 and "code" in unknown.json()["errors"]["json"]
    wrong_desk = pay(shop, appointment, "card", cash_desk_id=shop.desks["cash"]["id"])
    assert wrong_desk.status_code == 422 and "cash_desk_id" in wrong_desk.json()["errors"]["json"]
    no_cards = open_salon(Api(cluster.gateway_url))  # a salon with a till but no card terminal
    no_cards.add_staff("Eva")
    no_cards.add_service("Cut", 30, ["Eva"], price=3000)
    no_cards.api.ok("POST", "/api/v1/cash-desks", {"title": "Till", "kind": "cash"})
    theirs = no_cards.book_as_staff(["Cut"], next_slot(no_cards), "Eva").json()["appointment"]
    lacking = pay(no_cards, theirs, "card")
    assert lacking.status_code == 422 and "method" in lacking.json()["errors"]["json"]
    assert bill(shop, appointment)["payments"] == [] and bill(no_cards, theirs)["payments"] == []


# ---------------------------------------------------------------- products and stock


def test_a_product_sold_in_a_visit_and_taken_back_returns_its_stock_exactly_once(shop):
    arrive(shop, shop.shampoo, shop.shop, 4)
    before = stock(shop, shop.shampoo, shop.shop)
    appointment = visit(shop, "Cut")
    sold = sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": 2, "discount": {"amount": 500}})
    assert sold.status_code == 201, sold.text
    [sale] = sold.json()["products"]
    assert (sale["total"], sold.json()["total"], sold.json()["sales_total"]) == (2500, 5500, 2500)
    assert stock(shop, shop.shampoo, shop.shop) == before - 2
    for _ in range(2):
        taken_back = shop.api.request("DELETE", f"/api/v1/appointments/{appointment['id']}/products/{sale['id']}")
        assert taken_back.status_code == 200 and taken_back.json()["products"] == []
    assert stock(shop, shop.shampoo, shop.shop) == before


def test_stock_that_is_not_there_and_negative_quantities_are_refused_naming_the_field(shop):
    appointment = visit(shop, "Cut")
    there = stock(shop, shop.shampoo, shop.shop)
    too_many = sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": there + 1})
    assert too_many.status_code == 409 and "quantity" in too_many.json()["errors"]["json"]
    negative = sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": -1})
    assert negative.status_code == 422 and "quantity" in negative.json()["errors"]["json"]
    not_for_sale = sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": 1,
                                            "storage_id": shop.back["id"]})  # fmt: skip
    assert not_for_sale.status_code == 422 and "storage_id" in not_for_sale.json()["errors"]["json"]
    assert stock(shop, shop.shampoo, shop.shop) == there and bill(shop, appointment)["products"] == []


def test_a_deleted_visit_gives_back_its_stock_and_consumables_exactly_once(shop):
    arrive(shop, shop.shampoo, shop.shop, 3)
    arrive(shop, shop.dye, shop.back, 200)
    shampoo, dye = stock(shop, shop.shampoo, shop.shop), stock(shop, shop.dye, shop.back)
    appointment = visit(shop, "Colour")
    line_id = appointment["services"][0]["id"]
    assert sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": 1}).status_code == 201
    shop.api.ok("POST", f"/api/v1/appointments/{appointment['id']}/consumables",
                {"line_id": line_id, "product_id": shop.dye["id"], "quantity": 60})  # fmt: skip
    assert (stock(shop, shop.shampoo, shop.shop), stock(shop, shop.dye, shop.back)) == (shampoo - 1, dye - 60)
    deleted = shop.api.request("DELETE", f"/api/v1/appointments/{appointment['id']}")
    assert deleted.status_code == 204, deleted.text
    eventually(lambda: stock(shop, shop.dye, shop.back) == dye and stock(shop, shop.shampoo, shop.shop) == shampoo)
    time.sleep(1)  # a redelivered or late event would show now
    assert (stock(shop, shop.shampoo, shop.shop), stock(shop, shop.dye, shop.back)) == (shampoo, dye)
    movements = shop.api.ok("GET", "/api/v1/stock/movements", params={"product_id": shop.dye["id"]})
    assert [m["kind"] for m in movements].count("consumable_return") == 1
    assert (bill(shop, appointment)["state"], bill(shop, appointment)["products"]) == ("deleted", [])


def test_consumables_one_by_one_or_by_the_bill_of_materials_are_reversed_once(shop):
    arrive(shop, shop.dye, shop.back, 300)
    shop.api.ok("PUT", "/api/v1/bills-of-materials", {"service_id": shop.services["Colour"], "items": [
        {"product_id": shop.dye["id"], "quantity": 45}]})  # fmt: skip
    appointment = visit(shop, "Colour", "Cut")
    colour, cut = (line["id"] for line in appointment["services"])
    dye = stock(shop, shop.dye, shop.back)
    applied = shop.api.post(f"/api/v1/appointments/{appointment['id']}/consumables/bill-of-materials",
                            {"line_id": colour})  # fmt: skip
    assert applied.status_code == 201, applied.text
    [used] = applied.json()["lines"][0]["consumables"]
    assert (used["quantity"], used["from_bill_of_materials"]) == (45, True)
    twice = shop.api.post(f"/api/v1/appointments/{appointment['id']}/consumables/bill-of-materials",
                          {"line_id": colour})  # fmt: skip
    assert twice.status_code == 409 and "line_id" in twice.json()["errors"]["json"]
    none = shop.api.post(f"/api/v1/appointments/{appointment['id']}/consumables/bill-of-materials", {"line_id": cut})
    assert none.status_code == 422 and "line_id" in none.json()["errors"]["json"]
    assert stock(shop, shop.dye, shop.back) == dye - 45
    for _ in range(2):
        shop.api.ok("DELETE", f"/api/v1/appointments/{appointment['id']}/consumables/{used['id']}")
    assert stock(shop, shop.dye, shop.back) == dye
    assert bill(shop, appointment)["total"] == 7500  # consumables cost the client nothing


# ---------------------------------------------------------------- memberships and gift cards


def test_a_gift_card_sold_with_a_generated_code_pays_part_of_another_visit(shop):
    buying = visit(shop, "Blow-dry")
    code = shop.api.ok("POST", "/api/v1/card-codes")["code"]
    sold = sell_card(shop, buying, "gift_card", shop.gift["id"], code=code, paid=False)
    assert (sold["card"]["code"], sold["bill"]["total"], sold["card"]["state"]) == (code, 7000, "not_paid")
    taken = shop.api.post(f"/api/v1/appointments/{buying['id']}/cards",
                          {"kind": "membership", "type_id": shop.passes["id"], "code": code},
                          headers={"Idempotency-Key": new_key()})  # fmt: skip
    assert taken.status_code == 409 and "code" in taken.json()["errors"]["json"]
    using = visit(shop, "Cut", "Colour")
    unpaid = pay(shop, using, "gift_card", code=code)  # the visit that sold it has not paid for it
    assert unpaid.status_code == 409 and "not paid for" in unpaid.json()["errors"]["json"]["code"][0]
    assert pay(shop, buying, "card", 5000).status_code == 201  # its price: the card is paid for first
    paid = pay(shop, using, "gift_card", code=code.lower().replace("-", " "))
    assert paid.status_code == 201, paid.text
    assert (paid.json()["payment"]["amount"], paid.json()["bill"]["due"]) == (5000, 2500)
    assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["balance"] == 0
    shop.api.ok("DELETE", f"/api/v1/appointments/{using['id']}/payments/{paid.json()['payment']['id']}")
    assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["balance"] == 5000


def test_two_tills_spending_one_gift_card_at_once_never_take_it_below_zero(shop):
    for _ in range(3):
        sold = sell_card(shop, visit(shop, "Blow-dry"), "gift_card", shop.gift["id"])
        code = sold["card"]["code"]
        tills = [visit(shop, "Colour"), visit(shop, "Colour")]
        for appointment in tills:
            bill(shop, appointment)
        answers = at_once(*(partial(pay, shop, appointment, "gift_card", 3000, code=code) for appointment in tills))
        assert sorted(answer.status_code for answer in answers) == [201, 409], [a.text for a in answers]
        assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["balance"] == 2000


def test_a_membership_with_a_typed_code_pays_its_cuts_until_its_uses_run_out(shop):
    first = visit(shop, "Cut")
    sold = sell_card(shop, first, "membership", shop.passes["id"], code=f"cuts {first['id']:06d}", paid=False)
    code = sold["card"]["code"]
    client_id = first["client_id"]
    assert (sold["card"]["uses_left"], sold["bill"]["total"]) == (3, 10500)
    assert pay(shop, first, "membership", code=code).status_code == 409  # not paid for yet
    assert pay(shop, first, "cash", 7500).status_code == 201  # the membership's price: paid for now
    used = pay(shop, first, "membership", code=code)
    assert used.status_code == 201 and used.json()["payment"]["amount"] == 3000
    assert used.json()["bill"]["due"] == 0 and used.json()["bill"]["paid_in_full"] is True
    colour_only = visit(shop, "Colour")
    not_covered = pay(shop, colour_only, "membership", code=code)
    assert not_covered.status_code == 409 and "code" in not_covered.json()["errors"]["json"]
    assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["uses_left"] == 2
    assert sold["card"]["client_id"] == client_id


# ---------------------------------------------------------------- the till, rights


def test_the_days_takings_by_cash_desk_and_method(shop, cluster):
    salon = open_salon(Api(cluster.gateway_url))
    salon.add_staff("Eva")
    salon.add_service("Cut", 30, ["Eva"], price=2000)
    for title, kind in (("Till", "cash"), ("Terminal", "non_cash")):
        salon.api.ok("POST", "/api/v1/cash-desks", {"title": title, "kind": kind})
    for method in ("cash", "cash", "card"):
        appointment = salon.book_as_staff(["Cut"], next_slot(salon), "Eva").json()["appointment"]
        assert pay(salon, appointment, method).status_code == 201
    today = salon.api.ok("GET", "/api/v1/calendar", params={"date": date.today().isoformat()})["date"]
    takings = salon.api.ok("GET", "/api/v1/takings", params={"date": today})
    assert [(row["title"], row["amount"], row["payments"]) for row in takings["by_cash_desk"]] == [
        ("Till", 4000, 2), ("Terminal", 2000, 1),
    ]  # fmt: skip
    assert {row["method"]: row["amount"] for row in takings["by_method"]} == {"cash": 4000, "card": 2000}


def test_each_part_of_the_checkout_needs_its_right_and_a_specialist_sees_only_their_column(shop):
    roles = {role["name"]: role for role in shop.api.ok("GET", "/api/v1/roles")}
    anna_visit, ben_visit = visit(shop, "Cut", staff="Anna"), visit(shop, "Cut", staff="Ben")
    specialist_user, specialist = sign_in(shop, roles["specialist"]["id"])
    shop.api.ok("PATCH", f"/api/v1/users/{specialist_user['id']}", {"staff_member_id": shop.staff["Anna"]})
    specialist = _signed_in_again(shop, specialist_user)
    assert bill(shop, anna_visit, api=specialist)["total"] == 3000
    assert specialist.get(f"/api/v1/appointments/{ben_visit['id']}/bill").status_code == 404
    refused = pay(shop, anna_visit, "cash", api=specialist)
    assert refused.status_code == 403 and "take_payments" in refused.json()["message"]
    for method, path, body, right in (
        ("POST", f"/api/v1/appointments/{anna_visit['id']}/cards", {"kind": "gift_card", "type_id": 1},
         "sell_memberships_and_gift_cards"),
        ("POST", "/api/v1/products", {"title": "Gel"}, "manage_products_and_stock"),
        ("DELETE", f"/api/v1/appointments/{anna_visit['id']}/payments/1", None, "delete_payments"),
    ):  # fmt: skip
        answer = specialist.request(method, path, json=body)
        assert answer.status_code == 403 and right in answer.json()["message"], path
    added = specialist.post(
        f"/api/v1/appointments/{anna_visit['id']}/consumables",
        {"line_id": anna_visit["services"][0]["id"], "product_id": shop.dye["id"], "quantity": 1},
    )
    assert added.status_code == 201, added.text  # the specialist writes off consumables of their own visit
    cashier_role = shop.api.ok(
        "POST",
        "/api/v1/roles",
        {"name": f"Cashier {anna_visit['id']}", "rights": ["calendar_all_staff", "take_payments"]},
    )
    _, cashier = sign_in(shop, cashier_role["id"])
    taken = pay(shop, ben_visit, "cash", 1000, api=cashier)
    assert taken.status_code == 201
    payment_id = taken.json()["payment"]["id"]
    cannot = cashier.request("DELETE", f"/api/v1/appointments/{ben_visit['id']}/payments/{payment_id}")
    assert cannot.status_code == 403 and "delete_payments" in cannot.json()["message"]


def _signed_in_again(salon, user) -> Api:
    """Rights and the linked staff member travel in the token: a new sign-in carries the change."""
    from test_rights import as_user

    return as_user(salon, user["email"])


# ---------------------------------------------------------------- the audit's gaps, through the gateway


def test_a_double_click_landing_twice_at_the_same_moment_makes_one_payment(shop):
    for _ in range(5):
        appointment = visit(shop, "Cut")
        bill(shop, appointment)
        key = new_key()
        answers = at_once(*[partial(pay, shop, appointment, "cash", 3000, key=key)] * 2)
        assert [answer.status_code for answer in answers] == [201, 201], [a.text for a in answers]
        first, second = sorted((answer.json() for answer in answers), key=lambda answer: answer["replayed"])
        assert second == {**first, "replayed": True}
        assert [p["amount"] for p in bill(shop, appointment)["payments"]] == [3000]


def test_a_double_tap_on_add_sale_sells_once_and_the_key_cannot_sell_something_else(shop):
    arrive(shop, shop.shampoo, shop.shop, 2)
    appointment = visit(shop, "Cut")
    bill(shop, appointment)
    before, key = stock(shop, shop.shampoo, shop.shop), new_key()
    body = {"product_id": shop.shampoo["id"], "quantity": 1}
    answers = at_once(*[partial(sell, shop, appointment, body, key)] * 2)
    assert [answer.status_code for answer in answers] == [201, 201], [a.text for a in answers]
    assert sorted(answer.headers["Idempotent-Replayed"] for answer in answers) == ["false", "true"]
    assert len(bill(shop, appointment)["products"]) == 1 and stock(shop, shop.shampoo, shop.shop) == before - 1
    other = sell(shop, appointment, {**body, "quantity": 2}, key)
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["errors"]["json"]
    missing = shop.api.post(f"/api/v1/appointments/{appointment['id']}/products", body)
    assert missing.status_code == 422 and "Idempotency-Key" in missing.json()["errors"]["json"]


def test_a_product_sale_is_credited_only_to_a_staff_member_of_the_salon(shop, cluster):
    appointment = visit(shop, "Cut")
    arrive(shop, shop.shampoo, shop.shop, 1)
    other_salon = open_salon(Api(cluster.gateway_url))
    stranger = other_salon.add_staff("Zoe")
    refused = sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": 1, "staff_member_id": stranger})
    assert refused.status_code == 422 and "staff_member_id" in refused.json()["errors"]["json"], refused.text
    by_ben = sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": 1,
                                      "staff_member_id": shop.staff["Ben"]})  # fmt: skip
    assert by_ben.status_code == 201 and by_ben.json()["products"][0]["staff_member_id"] == shop.staff["Ben"]


def expire(database_urls, table: str, card_id: int) -> None:
    """The card as it is a day after its expiry (the clock cannot be moved for a running system)."""
    from sqlalchemy import create_engine, text

    from salon_infra.database import with_driver

    engine = create_engine(with_driver(database_urls["payments"]))
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {table} SET expires_at = now() - interval '1 day' WHERE id = :id"),
                           {"id": card_id})  # fmt: skip
    engine.dispose()


def test_an_expired_gift_card_or_membership_is_refused_naming_code(shop, database_urls):
    gift = sell_card(shop, visit(shop, "Blow-dry"), "gift_card", shop.gift["id"])["card"]
    membership = sell_card(shop, visit(shop, "Cut"), "membership", shop.passes["id"])["card"]
    expire(database_urls, "gift_cards", gift["id"])
    expire(database_urls, "memberships", membership["id"])
    appointment = visit(shop, "Cut")
    for method, card in (("gift_card", gift), ("membership", membership)):
        refused = pay(shop, appointment, method, code=card["code"])
        assert refused.status_code == 409 and "expired" in refused.json()["errors"]["json"]["code"][0], refused.text
        assert shop.api.ok("GET", "/api/v1/cards", params={"code": card["code"]})["state"] == "expired"
    assert bill(shop, appointment)["payments"] == []


def test_a_single_use_gift_card_pays_once(shop):
    once = shop.api.ok("POST", "/api/v1/gift-card-types", {"title": f"Once {next(_slots)}", "face_value": 5000,
                                                           "multiple_use": False, "validity_days": 30})  # fmt: skip
    code = sell_card(shop, visit(shop, "Blow-dry"), "gift_card", once["id"])["card"]["code"]
    first = pay(shop, visit(shop, "Blow-dry"), "gift_card", code=code)
    assert first.status_code == 201 and first.json()["payment"]["amount"] == 2000
    again = pay(shop, visit(shop, "Cut"), "gift_card", code=code)
    assert again.status_code == 409 and "one use" in again.json()["errors"]["json"]["code"][0]
    assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["state"] == "used_up"


def test_what_a_gift_card_pays_for_limits_it_and_no_gift_card_pays_for_a_card(shop):
    kind = {"title": f"Services {next(_slots)}", "face_value": 9000, "pays_for": "services", "validity_days": 30}
    services_only = shop.api.ok("POST", "/api/v1/gift-card-types", kind)
    services_code = sell_card(shop, visit(shop, "Blow-dry"), "gift_card", services_only["id"])["card"]["code"]
    any_code = sell_card(shop, visit(shop, "Blow-dry"), "gift_card", shop.gift["id"])["card"]["code"]
    arrive(shop, shop.shampoo, shop.shop, 1)
    appointment = visit(shop, "Cut")
    assert sell(shop, appointment, {"product_id": shop.shampoo["id"], "quantity": 1}).status_code == 201
    sold_here = shop.api.ok("POST", f"/api/v1/appointments/{appointment['id']}/cards",
                            {"kind": "gift_card", "type_id": shop.gift["id"]},
                            headers={"Idempotency-Key": new_key()})  # fmt: skip
    assert sold_here["bill"]["total"] == 3000 + 1500 + 5000
    services = pay(shop, appointment, "gift_card", code=services_code)
    assert services.status_code == 201 and services.json()["payment"]["amount"] == 3000  # not the shampoo
    more = pay(shop, appointment, "gift_card", 100, code=services_code)
    assert more.status_code == 409 and "only for services" in more.json()["errors"]["json"]["code"][0]
    anything = pay(shop, appointment, "gift_card", code=any_code)
    assert anything.status_code == 201 and anything.json()["payment"]["amount"] == 1500  # not the card sold
    again = pay(shop, appointment, "gift_card", 100, code=any_code)
    assert again.status_code == 409 and "do not pay for the memberships" in again.json()["errors"]["json"]["code"][0]
    assert pay(shop, appointment, "card").json()["payment"]["amount"] == 5000  # money pays for the card


def test_a_membership_pays_through_a_service_category_and_not_after_it_expires(shop, database_urls):
    styling = shop.api.ok("POST", "/api/v1/service-categories", {"title": f"Styling {next(_slots)}"})["id"]
    shop.add_service(f"Updo {styling}", 30, ["Anna"], price=4000, category_id=styling)
    by_category = shop.api.ok("POST", "/api/v1/membership-types", {
        "title": f"Styling pass {styling}", "price": 6000, "uses": 2, "validity_days": 30,
        "category_ids": [styling]})  # fmt: skip
    buying = visit(shop, f"Updo {styling}", "Cut")
    card = sell_card(shop, buying, "membership", by_category["id"], paid=False)["card"]
    assert pay(shop, buying, "cash", 6000).status_code == 201
    used = pay(shop, buying, "membership", code=card["code"])
    assert used.status_code == 201, used.text
    assert (used.json()["payment"]["amount"], used.json()["payment"]["membership_uses"]) == (4000, 1)  # not the cut
    assert used.json()["bill"]["due"] == 3000
    expire(database_urls, "memberships", card["id"])
    later = visit(shop, f"Updo {styling}")
    refused = pay(shop, later, "membership", code=card["code"])
    assert refused.status_code == 409 and "expired" in refused.json()["errors"]["json"]["code"][0]


def test_the_money_that_paid_for_a_used_card_cannot_be_deleted(shop):
    buying = visit(shop, "Blow-dry")
    code = sell_card(shop, buying, "gift_card", shop.gift["id"], paid=False)["card"]["code"]
    money = pay(shop, buying, "cash").json()
    assert pay(shop, visit(shop, "Cut"), "gift_card", code=code).status_code == 201
    refused = shop.api.request("DELETE", f"/api/v1/appointments/{buying['id']}/payments/{money['payment']['id']}")
    assert refused.status_code == 409 and "payment_id" in refused.json()["errors"]["json"], refused.text
    assert bill(shop, buying)["paid"] == 7000


def test_the_days_takings_keep_redemptions_apart_and_refuse_a_day_out_of_range(shop, cluster):
    salon = open_salon(Api(cluster.gateway_url))
    salon.add_staff("Eva")
    salon.add_service("Cut", 30, ["Eva"], price=2000)
    for title, kind in (("Till", "cash"), ("Terminal", "non_cash")):
        salon.api.ok("POST", "/api/v1/cash-desks", {"title": title, "kind": kind})
    salon.api.ok("POST", "/api/v1/gift-card-types", {"title": "Gift 20", "face_value": 2000, "validity_days": 30})
    gift = salon.api.ok("GET", "/api/v1/gift-card-types")[0]
    buying = salon.book_as_staff(["Cut"], next_slot(salon), "Eva").json()["appointment"]
    code = sell_card(salon, buying, "gift_card", gift["id"])["card"]["code"]  # 4000 in cash
    using = salon.book_as_staff(["Cut"], next_slot(salon), "Eva").json()["appointment"]
    assert pay(salon, using, "gift_card", code=code).status_code == 201  # 2000 redeemed
    refunded = pay(salon, salon.book_as_staff(["Cut"], next_slot(salon), "Eva").json()["appointment"], "card").json()
    salon.api.ok("DELETE", f"/api/v1/appointments/{refunded['bill']['appointment_id']}/payments/"
                           f"{refunded['payment']['id']}")  # fmt: skip
    today = salon.api.ok("GET", "/api/v1/calendar", params={"date": date.today().isoformat()})["date"]
    takings = salon.api.ok("GET", "/api/v1/takings", params={"date": today})
    assert (takings["total"], takings["money"]["taken"], takings["money"]["deleted"]) == (4000, 6000, 2000)
    assert takings["redemptions"]["amount"] == 2000 and takings["deletions"][0]["amount"] == -2000
    for day in ("9999-12-31", "0001-01-01"):
        refused = salon.api.get("/api/v1/takings", params={"date": day})
        problems = refused.json().get("errors", {})
        assert refused.status_code == 422 and "date" in {**problems.get("query", {}), **problems.get("json", {})}, (
            day, refused.text
        )  # fmt: skip


def test_a_visit_deleted_right_after_its_payment_needs_the_right_to_delete_paid_visits(shop, cluster):
    """bookings' copy of what is paid follows payments' events; with payments' relay stopped it does not
    hear of a payment at all, as it would not for the moment an event takes. The delete asks payments."""
    rights = ["calendar_all_staff", "take_payments", "delete_bookings"]
    role = shop.api.ok("POST", "/api/v1/roles", {"name": f"Desk {next(_slots)}", "rights": rights})
    _, desk = sign_in(shop, role["id"])
    paid, unpaid, page = visit(shop, "Cut"), visit(shop, "Cut"), [visit(shop, "Cut"), visit(shop, "Cut")]
    for appointment in (unpaid, *page):
        bill(shop, appointment)
    cluster.stop_one("payments-relay")
    try:
        for appointment in (paid, page[0]):
            assert pay(shop, appointment, "cash", 100, api=desk).status_code == 201
        refused = desk.request("DELETE", f"/api/v1/appointments/{paid['id']}")
        assert refused.status_code == 403 and "paid" in refused.json()["message"], refused.text
        deletion = desk.ok("POST", "/api/v1/bookings-overview/delete", {"appointment_ids": [a["id"] for a in page]})
        assert deletion["deleted"] == [page[1]["id"]]
        assert deletion["skipped"] == [{"id": page[0]["id"], "reason": "paid: you may not delete paid bookings"}]
    finally:
        cluster.start_one("payments-relay")
    by_owner = visit(shop, "Cut")  # the owner may delete paid visits: payments is told after, not asked
    bill(shop, by_owner)
    cluster.stop_one("bookings-relay")  # payments hears nothing of the deletions from bookings meanwhile
    try:
        assert desk.request("DELETE", f"/api/v1/appointments/{unpaid['id']}").status_code == 204
        assert shop.api.request("DELETE", f"/api/v1/appointments/{by_owner['id']}").status_code == 204
        for deleted in (unpaid, by_owner):
            late = pay(shop, deleted, "cash")  # held (the desk), or read through from bookings (seen_version)
            assert late.status_code == 409 and "appointment_id" in late.json()["errors"]["json"], late.text
    finally:
        cluster.start_one("bookings-relay")
    eventually(lambda: bill(shop, unpaid)["state"] == bill(shop, by_owner)["state"] == "deleted")
