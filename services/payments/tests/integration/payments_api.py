"""The service's RPC methods on a real database, without a broker: a worker instance with its
dependencies injected, as nameko injects them (`bookings` stands in for the RPC proxy)."""

import uuid

from payments.service import PaymentsService

OWNER = 3  # the user acting in these tests


def rpc(uow, bookings, scheduling=None) -> PaymentsService:
    from conftest import FakeScheduling

    service = PaymentsService()
    service.uow = uow
    service.bookings = bookings
    service.scheduling = scheduling or FakeScheduling()
    return service


def event(appointment: dict, event_type="appointment_changed", **data) -> dict:
    """A bookings event as its relay publishes it."""
    return {"event_id": str(uuid.uuid4()), "event_type": event_type, "company_id": appointment["company_id"],
            "occurred_at": "2027-01-01T00:00:00+00:00", "data": {"appointment": dict(appointment), **data}}  # fmt: skip


def key() -> str:
    return uuid.uuid4().hex


def sell(service, company_id: int, appointment: dict, sale: dict) -> dict:
    """A product sold in the visit (a key of its own, by the owner): the bill."""
    answer = service.sell_product(company_id, appointment["id"], {"actor_id": OWNER, "idempotency_key": key(), **sale})
    return answer["bill"]


def sell_card(service, company_id: int, appointment: dict, kind: str, type_id: int, code=None, paid=True) -> dict:
    """A membership or gift card sold in the visit: {bill, card}; `paid`: and all the visit owes paid in
    cash, so the card is usable."""
    sale = {"kind": kind, "type_id": type_id, "actor_id": OWNER, "idempotency_key": key()}
    sold = service.sell_card(company_id, appointment["id"], {**sale, **({"code": code} if code else {})})
    if paid:
        service.take_payment(company_id, appointment["id"], {"method": "cash", "idempotency_key": key(),
                                                             "actor_id": OWNER})  # fmt: skip
    return sold


def till(service, company_id: int) -> dict:
    """A salon's till set up: a cash desk, a card terminal, a shop and a back room with stock."""
    cash = service.create_cash_desk(company_id, {"title": "Till", "kind": "cash"})
    card = service.create_cash_desk(company_id, {"title": "Terminal", "kind": "non_cash"})
    shop = service.create_catalogue(company_id, "storage", {"title": "Shop"})
    back = service.create_catalogue(company_id, "storage", {"title": "Back room", "for_sale": False,
                                                            "for_services": True})  # fmt: skip
    shampoo = service.create_catalogue(company_id, "product", {"title": "Shampoo", "sale_price": 1500,
                                                               "article": "SH-1"})  # fmt: skip
    dye = service.create_catalogue(company_id, "product", {"title": "Dye", "unit": "ml", "sale_price": 10})
    for storage, product, quantity in ((shop, shampoo, 5), (back, dye, 500), (back, shampoo, 10)):
        service.record_stock_movement(company_id, {"kind": "arrival", "storage_id": storage["id"],
                                                   "product_id": product["id"], "quantity": quantity,
                                                   "actor_id": OWNER})  # fmt: skip
    return {"cash": cash, "card": card, "shop": shop, "back": back, "shampoo": shampoo, "dye": dye}


def level(service, company_id: int, storage: dict, product: dict) -> int:
    rows = service.stock_levels(company_id, {"storage_id": storage["id"], "product_ids": [product["id"]]})
    return rows[0]["quantity"] if rows else 0
