"""The checkout in the visit window, in a real browser on a 375 px phone and a desktop: Cash in one
tap pays in full, a split payment and a deleted one, a product sold and taken back, consumables one
by one and by the bill of materials, a gift card sold with a generated code, a membership sold, paid
for and then paying the visit's cut, a gift card's code paying part of a visit; and the Products and
stock page a salon sets its till up on. What the page shows is checked against what the API says."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.api import Api
from support.salon import open_salon
from test_calendar_browser import assert_fits, open_calendar, open_visit

FIRST_DAY = date.today() + timedelta(days=21 - date.today().weekday())  # a Monday, some weeks away
_numbers = iter(range(1, 10_000))


@pytest.fixture(scope="module")
def till(cluster):
    """A salon with its till set up: cash desks, a shop and a back room with stock, a bill of
    materials for colouring, a gift-card type."""
    salon = open_salon(Api(cluster.gateway_url))
    salon.add_staff("Anna")
    salon.add_service("Cut", 30, ["Anna"], price=3000)
    salon.add_service("Colour", 60, ["Anna"], price=4500)
    api = salon.api
    for title, kind in (("Front till", "cash"), ("Card terminal", "non_cash")):
        api.ok("POST", "/api/v1/cash-desks", {"title": title, "kind": kind})
    shop = api.ok("POST", "/api/v1/storages", {"title": "Shop"})
    back = api.ok("POST", "/api/v1/storages", {"title": "Back room", "for_sale": False, "for_services": True})
    salon.shampoo = api.ok("POST", "/api/v1/products", {"title": "Argan shampoo", "sale_price": 1800})
    salon.dye = api.ok("POST", "/api/v1/products", {"title": "Dye 6.0", "unit": "ml"})
    for storage, product, quantity in ((shop, salon.shampoo, 10), (back, salon.dye, 1000)):
        api.ok("POST", "/api/v1/stock/movements", {"kind": "arrival", "storage_id": storage["id"],
                                                   "product_id": product["id"], "quantity": quantity})  # fmt: skip
    salon.shop, salon.back = shop, back
    api.ok(
        "PUT",
        "/api/v1/bills-of-materials",
        {"service_id": salon.services["Colour"], "items": [{"product_id": salon.dye["id"], "quantity": 60}]},
    )
    salon.gift = api.ok("POST", "/api/v1/gift-card-types", {"title": "Gift 50", "face_value": 5000,
                                                            "validity_days": 365})  # fmt: skip
    api.ok("POST", "/api/v1/membership-types", {"title": "Three cuts", "price": 7500, "uses": 3, "validity_days": 90,
                                                "service_ids": [salon.services["Cut"]]})  # fmt: skip
    return salon


@pytest.fixture(params=["phone", "desktop"])
def screen(request) -> Page:
    page = request.getfixturevalue(request.param)
    page.width_name = request.param
    return page


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Screenshots to look at (CHECKOUT_SCREENSHOTS keeps them)."""
    kept = os.environ.get("CHECKOUT_SCREENSHOTS")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        return Path(kept)
    return tmp_path_factory.mktemp("checkout-shots")


def screenshot(page: Page, shots: Path, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(shots / f"{name}-{page.width_name}.png"), full_page=full_page)


def visit_on(salon, page: Page, services: list[str], test_number: int) -> tuple[date, dict]:
    day = FIRST_DAY + timedelta(days=2 * test_number + (page.width_name == "desktop"))
    client = {"name": f"Client {next(_numbers)}", "phone": f"+4915166{next(_numbers):06d}"}
    booked = salon.book_as_staff(services, salon.local(day, 10), "Anna", client=client)
    assert booked.status_code == 201, booked.text
    return day, booked.json()["appointment"]


def checkout_of(page: Page, cluster, salon, day: date, appointment: dict):
    open_calendar(page, cluster, salon, day)
    with page.expect_response(lambda answer: answer.url.endswith(f"/appointments/{appointment['id']}/bill")) as bill:
        visit = open_visit(page, appointment["id"])
    assert bill.value.status == 200, bill.value.text()
    checkout = visit.locator("#checkout")
    expect(checkout.get_by_role("heading", name="Checkout")).to_be_visible()
    return checkout


def money(checkout, name: str):
    return checkout.locator("#bill-money div").filter(has=checkout.page.locator("dt", has_text=name)).locator("dd")


def bill(salon, appointment) -> dict:
    return salon.api.ok("GET", f"/api/v1/appointments/{appointment['id']}/bill")


def test_cash_in_one_tap_pays_the_visit_in_full(screen, cluster, till, shots):
    day, appointment = visit_on(till, screen, ["Cut", "Colour"], 0)
    checkout = checkout_of(screen, cluster, till, day, appointment)
    expect(money(checkout, "Due")).to_have_text("€75.00")
    expect(checkout.locator("#paid-in-full")).to_be_hidden()
    checkout.locator("#pay-cash").scroll_into_view_if_needed()
    screenshot(screen, shots, "checkout-due")
    with screen.expect_response(lambda answer: answer.url.endswith("/payments")) as paid:
        checkout.get_by_role("button", name="Cash", exact=True).click()
    assert paid.value.status == 201, paid.value.text()
    expect(checkout.locator("#paid-in-full")).to_be_visible()
    expect(money(checkout, "Due")).to_have_text("€0.00")
    expect(checkout.locator(".payment")).to_have_count(1)
    expect(checkout.locator(".payment").first).to_contain_text("Cash")
    expect(checkout.get_by_role("button", name="Card", exact=True)).to_be_disabled()
    screenshot(screen, shots, "checkout-paid")
    assert_fits(screen)
    assert (bill(till, appointment)["paid"], bill(till, appointment)["paid_in_full"]) == (7500, True)


def test_a_split_payment_and_deleting_one_of_its_payments(screen, cluster, till, shots):
    day, appointment = visit_on(till, screen, ["Colour"], 1)
    checkout = checkout_of(screen, cluster, till, day, appointment)
    checkout.get_by_role("button", name="Split payment").click()
    split = checkout.locator("#split-form")
    expect(split.get_by_label("Amount")).to_have_value("45.00")
    split.get_by_label("Amount").fill("20")
    split.get_by_label("Payment type").select_option("cash")
    split.get_by_role("button", name="Pay").click()
    expect(money(checkout, "Due")).to_have_text("€25.00")
    expect(split.get_by_label("Amount")).to_have_value("25.00")  # "Add payment": the rest
    split.get_by_label("Payment type").select_option("card")
    screenshot(screen, shots, "checkout-split")
    split.get_by_role("button", name="Pay").click()
    expect(checkout.locator("#paid-in-full")).to_be_visible()
    expect(checkout.locator(".payment")).to_have_count(2)
    checkout.get_by_role("button", name="Delete the payment of €25.00").click()
    dialog = screen.locator("#confirm")
    expect(dialog).to_contain_text("Delete the Card payment of €25.00?")
    dialog.get_by_role("button", name="Yes").click()
    expect(money(checkout, "Due")).to_have_text("€25.00")
    expect(checkout.locator(".payment.deleted")).to_have_count(1)
    expect(checkout.locator(".payment.deleted")).to_contain_text("deleted")
    expect(checkout.locator("#paid-in-full")).to_be_hidden()
    screenshot(screen, shots, "checkout-deleted-payment")
    assert_fits(screen)
    payments = bill(till, appointment)["payments"]
    assert [(p["method"], p["amount"], p["state"]) for p in payments] == [("cash", 2000, "live"),
                                                                         ("card", 2500, "deleted")]  # fmt: skip


def test_products_consumables_and_a_gift_card_sold_in_the_visit(screen, cluster, till, shots):
    day, appointment = visit_on(till, screen, ["Colour"], 2)
    checkout = checkout_of(screen, cluster, till, day, appointment)
    line = checkout.locator(".line-consumables").first
    line.get_by_role("button", name="+ Add a consumable").click()
    line.get_by_role("button", name="Apply bill of materials").click()
    expect(line.locator(".consumable")).to_contain_text("Dye 6.0 · 60 ml")
    line.get_by_role("button", name="+ Add a consumable").click()
    line.get_by_role("button", name="Add a consumable", exact=True).click()
    form = checkout.locator("#consumable-form")
    form.get_by_label("Consumable").select_option(label="Dye 6.0")
    form.get_by_label("Amount (ml)").fill("15")
    form.get_by_role("button", name="Add", exact=True).click()
    expect(line.locator(".consumable")).to_have_count(2)

    checkout.get_by_role("button", name="+ Add sale").click()
    sale = checkout.locator("#sale-form")
    sale.get_by_label("Product").select_option(label="Argan shampoo · €18.00")
    sale.get_by_label("Quantity").fill("2")
    sale.get_by_label("Discount", exact=True).fill("10")
    sale.get_by_label("Discount as").select_option("percent")
    screenshot(screen, shots, "checkout-add-sale")
    sale.get_by_role("button", name="Add a product").click()
    expect(checkout.locator(".sale")).to_contain_text("Argan shampoo \N{MULTIPLICATION SIGN} 2")
    expect(money(checkout, "Sales")).to_have_text("€32.40")

    checkout.get_by_role("button", name="+ Add sale").click()
    sale.get_by_label("What").select_option("gift_card")
    sale.get_by_role("button", name="Generate a code").click()
    expect(sale.get_by_label("Code", exact=True)).to_have_value(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    code = sale.get_by_label("Code", exact=True).input_value()
    sale.get_by_role("button", name="Sell gift card").click()
    expect(checkout.locator(".card-sold")).to_contain_text(code)
    expect(money(checkout, "Total")).to_have_text("€127.40")
    screenshot(screen, shots, "checkout-sales")
    assert_fits(screen)

    stock = {row["product_id"]: row["quantity"] for row in till.api.ok("GET", "/api/v1/stock")}
    checkout.get_by_role("button", name="Remove Argan shampoo").click()
    expect(checkout.locator(".sale:not(.card-sold)")).to_have_count(0)
    after = {row["product_id"]: row["quantity"] for row in till.api.ok("GET", "/api/v1/stock")}
    assert after[till.shampoo["id"]] == stock[till.shampoo["id"]] + 2
    saved = bill(till, appointment)
    assert sorted(c["quantity"] for c in saved["lines"][0]["consumables"]) == [15, 60]
    assert [card["code"] for card in saved["cards"]] == [code] and saved["total"] == 9500


def test_a_membership_sold_in_the_visit_is_paid_for_then_pays_the_cut(screen, cluster, till, shots):
    day, appointment = visit_on(till, screen, ["Cut"], 3)
    checkout = checkout_of(screen, cluster, till, day, appointment)
    checkout.get_by_role("button", name="+ Add sale").click()
    sale = checkout.locator("#sale-form")
    sale.get_by_label("What").select_option("membership")
    sale.get_by_role("button", name="Generate a code").click()
    expect(sale.get_by_label("Code", exact=True)).to_have_value(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    code = sale.get_by_label("Code", exact=True).input_value()
    with screen.expect_response(lambda answer: answer.url.endswith("/cards")) as sold:
        sale.get_by_role("button", name="Sell membership").click()
    assert sold.value.status == 201 and sold.value.request.headers["idempotency-key"], sold.value.text()
    card = checkout.locator(".card-sold")
    expect(card).to_contain_text(code)
    expect(card.locator(".card-note")).to_have_text("usable once paid")
    expect(money(checkout, "Due")).to_have_text("€105.00")
    screenshot(screen, shots, "checkout-membership-sold")

    checkout.get_by_role("button", name="Split payment").click()
    split = checkout.locator("#split-form")
    split.get_by_label("Payment type").select_option("membership")
    split.get_by_label("Code").fill(code)
    split.get_by_role("button", name="Pay").click()  # not paid for yet: refused, naming the code
    expect(checkout.locator("#checkout-problem")).to_contain_text("not paid for")
    split.get_by_label("Amount").fill("75")
    split.get_by_label("Payment type").select_option("cash")
    split.get_by_role("button", name="Pay").click()
    expect(money(checkout, "Due")).to_have_text("€30.00")
    expect(card.locator(".card-note")).to_have_count(0)  # paid for now
    split.get_by_label("Payment type").select_option("membership")
    split.get_by_label("Code").fill(code)
    expect(split.get_by_label("Amount")).to_have_value("30.00")
    split.get_by_role("button", name="Pay").click()
    expect(checkout.locator("#paid-in-full")).to_be_visible()
    expect(checkout.locator('.payment[data-method="membership"]')).to_contain_text(code)
    screenshot(screen, shots, "checkout-membership-used")
    assert_fits(screen)
    saved = bill(till, appointment)
    assert [(p["method"], p["amount"]) for p in saved["payments"]] == [("cash", 7500), ("membership", 3000)]
    assert till.api.ok("GET", "/api/v1/cards", params={"code": code})["uses_left"] == 2


def test_a_gift_card_code_pays_part_of_a_visit(screen, cluster, till, shots):
    buying = visit_on(till, screen, ["Colour"], 4)[1]
    path = f"/api/v1/appointments/{buying['id']}"
    code = till.api.ok("POST", f"{path}/cards", {"kind": "gift_card", "type_id": till.gift["id"]},
                       headers={"Idempotency-Key": f"gift-{buying['id']}"})["card"]["code"]  # fmt: skip
    till.api.ok("POST", f"{path}/payments", {"method": "card"}, headers={"Idempotency-Key": f"pay-{buying['id']}"})
    day, appointment = visit_on(till, screen, ["Cut", "Colour"], 5)
    checkout = checkout_of(screen, cluster, till, day, appointment)
    checkout.get_by_role("button", name="Split payment").click()
    split = checkout.locator("#split-form")
    split.get_by_label("Payment type").select_option("gift_card")
    split.get_by_label("Amount").fill("50")
    split.get_by_label("Code").fill(code.lower())
    screenshot(screen, shots, "checkout-gift-card-code")
    split.get_by_role("button", name="Pay").click()
    expect(money(checkout, "Due")).to_have_text("€25.00")
    expect(checkout.locator('.payment[data-method="gift_card"]')).to_contain_text(code)
    expect(split.get_by_label("Amount")).to_have_value("25.00")
    split.get_by_label("Payment type").select_option("card")
    split.get_by_role("button", name="Pay").click()
    expect(checkout.locator("#paid-in-full")).to_be_visible()
    screenshot(screen, shots, "checkout-gift-card-paid")
    assert_fits(screen)
    assert till.api.ok("GET", "/api/v1/cards", params={"code": code})["balance"] == 0


def test_the_products_and_stock_page_sets_up_the_till(screen, cluster, shots):
    salon = open_salon(Api(cluster.gateway_url))
    screen.goto(f"{cluster.gateway_url}/admin/{salon.company_id}/products")
    form = screen.locator("#sign-in")
    form.get_by_label("Email").fill(salon.owner_email)
    form.get_by_label("Password").fill("a-good-password")
    form.get_by_role("button", name="Sign in").click()
    expect(screen.get_by_role("heading", name="Products and stock")).to_be_visible()

    storages = screen.locator("#storages")
    storages.get_by_label("Title").fill("Front shelf")
    storages.get_by_role("button", name="Add storage").click()
    expect(storages.locator("tbody tr")).to_have_count(1)

    products = screen.locator("#products")
    products.get_by_label("Title").fill("Hair mask")
    products.get_by_label("Article").fill("HM-250")
    products.get_by_label("Sale price").fill("24.90")
    products.get_by_role("button", name="Add product").click()
    expect(products.locator("tbody tr")).to_contain_text("Hair mask")

    stock = screen.locator("#stock")
    stock.get_by_label("Product").select_option(label="Hair mask")
    stock.get_by_label("Quantity").fill("12")
    stock.get_by_role("button", name="Record").click()
    expect(products.locator("tbody tr").first).to_contain_text("12")
    stock.get_by_label("Movement").select_option("write_off")
    stock.get_by_label("Quantity").fill("20")
    stock.get_by_role("button", name="Record").click()
    expect(stock.locator(".problem")).to_contain_text("Only 12")

    desks = screen.locator("#cash-desks")
    desks.get_by_label("Title").fill("Front till")
    desks.get_by_role("button", name="Add cash desk").click()
    expect(desks.locator("tbody tr")).to_contain_text("Front till")
    takings = screen.locator("#takings")
    expect(takings.locator("#takings-total")).to_have_text("Total €0.00.")
    takings.get_by_role("button", name="Show").click()
    expect(takings.locator("tbody tr")).to_contain_text("Front till")
    screenshot(screen, shots, "stock-page", full_page=True)
    assert_page_fits(screen)

    [product] = salon.api.ok("GET", "/api/v1/products")
    assert (product["article"], product["sale_price"]) == ("HM-250", 2490)
    [level] = salon.api.ok("GET", "/api/v1/stock", params={"product_id": product["id"]})
    assert level["quantity"] == 12
    assert [desk["is_default"] for desk in salon.api.ok("GET", "/api/v1/cash-desks")] == [True]


def assert_page_fits(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
