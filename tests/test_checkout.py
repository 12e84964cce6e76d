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
    sold = shop.api.post(f"/api/v1/appointments/{appointment['id']}/products",
                         {"product_id": shop.shampoo["id"], "quantity": 2, "discount": {"amount": 500}})  # fmt: skip
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
    too_many = shop.api.post(f"/api/v1/appointments/{appointment['id']}/products",
                             {"product_id": shop.shampoo["id"], "quantity": there + 1})  # fmt: skip
    assert too_many.status_code == 409 and "quantity" in too_many.json()["errors"]["json"]
    negative = shop.api.post(f"/api/v1/appointments/{appointment['id']}/products",
                             {"product_id": shop.shampoo["id"], "quantity": -1})  # fmt: skip
    assert negative.status_code == 422 and "quantity" in negative.json()["errors"]["json"]
    not_for_sale = shop.api.post(
        f"/api/v1/appointments/{appointment['id']}/products",
        {"product_id": shop.shampoo["id"], "quantity": 1, "storage_id": shop.back["id"]},
    )
    assert not_for_sale.status_code == 422 and "storage_id" in not_for_sale.json()["errors"]["json"]
    assert stock(shop, shop.shampoo, shop.shop) == there and bill(shop, appointment)["products"] == []


def test_a_deleted_visit_gives_back_its_stock_and_consumables_exactly_once(shop):
    arrive(shop, shop.shampoo, shop.shop, 3)
    arrive(shop, shop.dye, shop.back, 200)
    shampoo, dye = stock(shop, shop.shampoo, shop.shop), stock(shop, shop.dye, shop.back)
    appointment = visit(shop, "Colour")
    line_id = appointment["services"][0]["id"]
    shop.api.ok("POST", f"/api/v1/appointments/{appointment['id']}/products",
                {"product_id": shop.shampoo["id"], "quantity": 1})  # fmt: skip
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
    sold = shop.api.post(f"/api/v1/appointments/{buying['id']}/cards",
                         {"kind": "gift_card", "type_id": shop.gift["id"], "code": code})  # fmt: skip
    assert sold.status_code == 201, sold.text
    assert (sold.json()["card"]["code"], sold.json()["bill"]["total"]) == (code, 7000)
    taken = shop.api.post(f"/api/v1/appointments/{buying['id']}/cards",
                          {"kind": "membership", "type_id": shop.passes["id"], "code": code})  # fmt: skip
    assert taken.status_code == 409 and "code" in taken.json()["errors"]["json"]
    using = visit(shop, "Cut", "Colour")
    paid = pay(shop, using, "gift_card", code=code.lower().replace("-", " "))
    assert paid.status_code == 201, paid.text
    assert (paid.json()["payment"]["amount"], paid.json()["bill"]["due"]) == (5000, 2500)
    assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["balance"] == 0
    shop.api.ok("DELETE", f"/api/v1/appointments/{using['id']}/payments/{paid.json()['payment']['id']}")
    assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["balance"] == 5000


def test_two_tills_spending_one_gift_card_at_once_never_take_it_below_zero(shop):
    for _ in range(3):
        sold = shop.api.ok("POST", f"/api/v1/appointments/{visit(shop, 'Blow-dry')['id']}/cards",
                           {"kind": "gift_card", "type_id": shop.gift["id"]})  # fmt: skip
        code = sold["card"]["code"]
        tills = [visit(shop, "Colour"), visit(shop, "Colour")]
        for appointment in tills:
            bill(shop, appointment)
        answers = at_once(*(partial(pay, shop, appointment, "gift_card", 3000, code=code) for appointment in tills))
        assert sorted(answer.status_code for answer in answers) == [201, 409], [a.text for a in answers]
        assert shop.api.ok("GET", "/api/v1/cards", params={"code": code})["balance"] == 2000


def test_a_membership_with_a_typed_code_pays_its_cuts_until_its_uses_run_out(shop):
    first = visit(shop, "Cut")
    sold = shop.api.ok(
        "POST",
        f"/api/v1/appointments/{first['id']}/cards",
        {"kind": "membership", "type_id": shop.passes["id"], "code": f"cut {first['id']}"},
    )
    code = sold["card"]["code"]
    client_id = first["client_id"]
    assert (sold["card"]["uses_left"], sold["bill"]["total"]) == (3, 10500)
    used = pay(shop, first, "membership", code=code)
    assert used.status_code == 201 and used.json()["payment"]["amount"] == 3000
    assert used.json()["bill"]["due"] == 7500  # the membership itself is still to pay
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
