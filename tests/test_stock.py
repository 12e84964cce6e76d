"""Setting up the till through the gateway, as a salon does from its admin page: products, storages,
arrivals and write-offs (never below zero unless the storage allows it), the ledger, bills of
materials, cash desks with one default of each kind, membership and gift-card types."""

import pytest
from support.api import Api
from support.salon import open_salon


@pytest.fixture(scope="module")
def owner(cluster):
    return open_salon(Api(cluster.gateway_url))


def test_products_storages_and_the_stock_ledger(owner):
    api = owner.api
    gel = api.ok("POST", "/api/v1/products", {"title": "Styling gel", "article": "GEL-200", "barcode": "4006381333931",
                                              "unit": "pcs", "sale_price": 1290, "cost_price": 600,
                                              "category": "Styling"})  # fmt: skip
    shop = api.ok("POST", "/api/v1/storages", {"title": "Shop", "for_sale": True})
    van = api.ok("POST", "/api/v1/storages", {"title": "Mobile van", "for_services": True, "allows_negative": True})
    move = {"storage_id": shop["id"], "product_id": gel["id"]}
    arrival = api.ok("POST", "/api/v1/stock/movements", {**move, "kind": "arrival", "quantity": 12, "note": "Order 7"})
    assert (arrival["kind"], arrival["quantity"], arrival["note"]) == ("arrival", 12, "Order 7")
    api.ok("POST", "/api/v1/stock/movements", {**move, "kind": "write_off", "quantity": 2, "note": "Broken"})
    too_much = api.post("/api/v1/stock/movements", {**move, "kind": "write_off", "quantity": 11})
    assert too_much.status_code == 409 and "quantity" in too_much.json()["errors"]["json"]
    api.ok("POST", "/api/v1/stock/movements", {**move, "storage_id": van["id"], "kind": "write_off", "quantity": 3})
    levels = {row["storage_id"]: row["quantity"] for row in api.ok("GET", "/api/v1/stock",
                                                                    params={"product_id": gel["id"]})}  # fmt: skip
    assert levels == {shop["id"]: 10, van["id"]: -3}
    ledger = api.ok("GET", "/api/v1/stock/movements", params={"product_id": gel["id"]})
    assert [(m["kind"], m["quantity"]) for m in ledger] == [("write_off", -3), ("write_off", -2), ("arrival", 12)]
    assert sum(m["quantity"] for m in ledger if m["storage_id"] == shop["id"]) == levels[shop["id"]]
    changed = api.ok("PATCH", f"/api/v1/products/{gel['id']}", {"sale_price": 1390, "active": False})
    assert (changed["sale_price"], changed["active"], changed["article"]) == (1390, False, "GEL-200")
    assert gel["id"] not in [p["id"] for p in api.ok("GET", "/api/v1/products", params={"active_only": "true"})]


def test_bad_stock_input_names_the_field(owner):
    api = owner.api
    shop = api.ok("POST", "/api/v1/storages", {"title": "Front shelf"})
    wax = api.ok("POST", "/api/v1/products", {"title": "Wax", "article": "WAX-1"})
    for body, field in (
        ({"kind": "arrival", "storage_id": shop["id"], "product_id": wax["id"], "quantity": -4}, "quantity"),
        ({"kind": "sale", "storage_id": shop["id"], "product_id": wax["id"], "quantity": 1}, "kind"),
        ({"kind": "arrival", "storage_id": shop["id"], "product_id": 999_999_999, "quantity": 1}, "product_id"),
    ):
        refused = api.post("/api/v1/stock/movements", body)
        assert refused.status_code == 422 and field in refused.json()["errors"]["json"], body
    again = api.post("/api/v1/products", {"title": "Other wax", "article": "WAX-1"})
    assert again.status_code == 409 and "article" in again.json()["errors"]["json"]
    nowhere = api.post("/api/v1/storages", {"title": "Nowhere", "for_sale": False, "for_services": False})
    assert nowhere.status_code == 422 and "for_sale" in nowhere.json()["errors"]["json"]
    assert api.ok("GET", "/api/v1/stock", params={"product_id": wax["id"]}) == []


def test_cash_desks_keep_one_default_of_each_kind(owner):
    api = owner.api
    first = api.ok("POST", "/api/v1/cash-desks", {"title": "Till 1", "kind": "cash"})
    second = api.ok("POST", "/api/v1/cash-desks", {"title": "Till 2", "kind": "cash", "is_default": True})
    card = api.ok("POST", "/api/v1/cash-desks", {"title": "Terminal", "kind": "non_cash"})
    assert (first["is_default"], second["is_default"], card["is_default"]) == (True, True, True)
    defaults = {d["title"] for d in api.ok("GET", "/api/v1/cash-desks") if d["is_default"]}
    assert defaults == {"Till 2", "Terminal"}
    api.ok("PATCH", f"/api/v1/cash-desks/{first['id']}", {"is_default": True})
    assert {d["title"] for d in api.ok("GET", "/api/v1/cash-desks") if d["is_default"]} == {"Till 1", "Terminal"}
    same = api.post("/api/v1/cash-desks", {"title": "Till 1", "kind": "cash"})
    assert same.status_code == 409 and "title" in same.json()["errors"]["json"]


def test_bills_of_materials_and_card_types(owner):
    api = owner.api
    owner.add_staff("Ida")
    colour = owner.add_service("Colour", 60, ["Ida"], price=6000)
    dye = api.ok("POST", "/api/v1/products", {"title": "Dye 7.1", "unit": "ml"})
    room = api.ok("POST", "/api/v1/storages", {"title": "Colour room", "for_sale": False, "for_services": True})
    saved = api.ok("PUT", "/api/v1/bills-of-materials", {"service_id": colour, "items": [
        {"product_id": dye["id"], "quantity": 50, "storage_id": room["id"]}]})  # fmt: skip
    assert saved["items"] == [{"product_id": dye["id"], "quantity": 50, "storage_id": room["id"]}]
    own = api.ok(
        "PUT",
        "/api/v1/bills-of-materials",
        {
            "service_id": colour,
            "staff_member_id": owner.staff["Ida"],
            "items": [{"product_id": dye["id"], "quantity": 40}],
        },
    )
    assert own["staff_member_id"] == owner.staff["Ida"]
    assert len(api.ok("GET", "/api/v1/bills-of-materials", params={"service_id": colour})) == 2
    membership = api.ok(
        "POST",
        "/api/v1/membership-types",
        {"title": "Five colours", "price": 25000, "uses": 5, "validity_days": 180, "service_ids": [colour]},
    )
    gift = api.ok(
        "POST",
        "/api/v1/gift-card-types",
        {"title": "Gift 100", "face_value": 10000, "validity_days": 365, "multiple_use": False, "pays_for": "services"},
    )
    assert (membership["uses"], gift["price"], gift["pays_for"]) == (5, 10000, "services")
    nothing = api.post("/api/v1/membership-types", {"title": "Covers nothing", "price": 100, "uses": 1,
                                                    "validity_days": 30})  # fmt: skip
    assert nothing.status_code == 422 and "service_ids" in nothing.json()["errors"]["json"]
