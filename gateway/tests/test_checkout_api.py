"""The checkout's, the till's and the stock's endpoints without services: each asks for its named
right, a payment needs its Idempotency-Key, and bad input names the field before any service is asked."""

import re
from pathlib import Path

import pytest
from test_app import bearer, client  # noqa: F401  (the app without a broker)


@pytest.mark.parametrize(
    ("method", "path", "body", "right"),
    [
        ("POST", "/api/v1/appointments/5/payments", {"method": "cash"}, "take_payments"),
        ("DELETE", "/api/v1/appointments/5/payments/3", None, "delete_payments"),
        ("POST", "/api/v1/appointments/5/products", {"product_id": 1, "quantity": 1}, "take_payments"),
        ("POST", "/api/v1/appointments/5/cards", {"kind": "gift_card", "type_id": 1},
         "sell_memberships_and_gift_cards"),
        ("POST", "/api/v1/card-codes", None, "sell_memberships_and_gift_cards"),
        ("POST", "/api/v1/products", {"title": "Gel"}, "manage_products_and_stock"),
        ("PATCH", "/api/v1/storages/4", {"title": "Back room"}, "manage_products_and_stock"),
        ("POST", "/api/v1/stock/movements", {"kind": "arrival", "storage_id": 1, "product_id": 1, "quantity": 5},
         "manage_products_and_stock"),
        ("PUT", "/api/v1/bills-of-materials", {"service_id": 1, "items": []}, "manage_products_and_stock"),
        ("POST", "/api/v1/cash-desks", {"title": "Till", "kind": "cash"}, "manage_settings"),
        ("POST", "/api/v1/gift-card-types", {"title": "Gift", "face_value": 100, "validity_days": 30},
         "manage_settings"),
        ("GET", "/api/v1/takings?date=2027-06-07", None, "take_payments"),
    ],
)  # fmt: skip
def test_each_endpoint_asks_for_its_right_by_name(client, method, path, body, right):  # noqa: F811
    refused = client.open(path, method=method, json=body, headers=bearer(role="specialist", rights=[]))
    assert refused.status_code == 403 and right in refused.json["message"]
    headers = {**bearer(role="Front desk", rights=[right, "calendar_all_staff"]), "Idempotency-Key": "k-1"}
    assert client.open(path, method=method, json=body, headers=headers).status_code == 503  # reached the service


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/appointments/5/payments", {"method": "card"}),
        ("/api/v1/appointments/5/products", {"product_id": 1, "quantity": 1}),
        ("/api/v1/appointments/5/cards", {"kind": "gift_card", "type_id": 1}),
    ],
)
def test_a_payment_or_sale_without_an_idempotency_key_is_refused_naming_the_header(client, path, body):  # noqa: F811
    rights = ["take_payments", "sell_memberships_and_gift_cards", "calendar_all_staff"]
    answer = client.post(path, json=body, headers=bearer(rights=rights))
    assert answer.status_code == 422 and "Idempotency-Key" in answer.json["errors"]["json"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/appointments/5/payments", {"method": "bitcoin"}, "method"),
        ("/api/v1/appointments/5/payments", {"method": "cash", "amount": -1}, "amount"),
        ("/api/v1/appointments/5/products", {"product_id": 1, "quantity": 0}, "quantity"),
        ("/api/v1/appointments/5/consumables", {"line_id": 1, "product_id": 1, "quantity": -3}, "quantity"),
        ("/api/v1/appointments/5/cards", {"kind": "coupon", "type_id": 1}, "kind"),
    ],
)
def test_bad_input_names_the_field_before_any_service_is_asked(client, path, body, field):  # noqa: F811
    headers = {**bearer(rights=["take_payments", "sell_memberships_and_gift_cards", "calendar_all_staff"]),
               "Idempotency-Key": "k-2"}  # fmt: skip
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 422 and field in answer.json["errors"]["json"]


def test_the_checkout_is_documented(client):  # noqa: F811
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/appointments/{appointment_id}/bill", "/api/v1/appointments/{appointment_id}/payments",
            "/api/v1/products", "/api/v1/stock", "/api/v1/cash-desks", "/api/v1/takings"} <= set(paths)  # fmt: skip
    for path in ("payments", "products", "cards"):
        post = paths[f"/api/v1/appointments/{{appointment_id}}/{path}"]["post"]
        assert any(p["name"] == "Idempotency-Key" and p["required"] for p in post["parameters"]), path


STOCK_FILES = sorted(p.name for p in (Path(__file__).parents[1] / "gateway" / "static" / "stock").iterdir())
EXTERNAL = re.compile(r"https?://|(?:src|href)\s*=\s*[\"']?//|url\(\s*[\"']?//|@import", re.IGNORECASE)


def test_the_products_and_stock_page_is_served_like_the_admin_page(client):  # noqa: F811
    response = client.get("/admin/7/products")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-company-id="7"' in html
    assert '<script type="module" src="/static/stock/stock.js">' in html
    assert "<script>" not in html and "style=" not in html and not EXTERNAL.findall(html)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert set(re.findall(r'<label[^>]*\sfor="([^"]+)"', html)) <= ids
    for name in STOCK_FILES:
        served = client.get(f"/static/stock/{name}")
        assert served.status_code == 200 and not EXTERNAL.findall(served.get_data(as_text=True))
        served.close()
    assert client.get("/admin/7/products/more").status_code == 404


def test_the_checkout_scripts_write_no_html_from_text_and_no_inline_style():
    static = Path(__file__).parents[1] / "gateway" / "static"
    for script in [static / "calendar" / "checkout.js", static / "calendar" / "sales.js", static / "stock/stock.js"]:
        text = script.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", text), script
        assert not re.search(r"""setAttribute\(\s*["']style|\.style\s*=|cssText""", text), script
