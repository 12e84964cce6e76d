"""Small builders for the domain's unit tests: a bill with service lines, products, storages, cards."""

import itertools
from datetime import UTC, datetime, timedelta

from payments.domain.cards import GiftCardType, MembershipType
from payments.domain.model import CashDesk, LineCopy, VisitCopy, new_bill
from payments.domain.stock import Product, Storage

NOW = datetime(2027, 6, 7, 9, 0, tzinfo=UTC)
COMPANY = 1
CLIENT = 11
_ids = itertools.count(1000)


def visit(*totals, version=1, state="booked", appointment_id=7, client_id=CLIENT, categories=None, services=None):
    """An appointment whose lines cost `totals` (one of each, no discount), service ids 1, 2, 3..."""
    lines = tuple(
        LineCopy(100 + index, (services or {}).get(index, index + 1), f"Service {index + 1}",
                 (categories or {}).get(index), total, 1, 0, total)
        for index, total in enumerate(totals)
    )  # fmt: skip
    return VisitCopy(appointment_id, client_id, 5, NOW + timedelta(days=1), state, version, lines)


def bill(*totals, **options):
    made = new_bill(COMPANY, visit(*totals, **options), NOW)
    made.id = next(_ids)
    return made


def numbered(thing):
    """Give a new record an id, as the database would on flush."""
    thing.id = next(_ids)
    movement = getattr(thing, "movement", None)
    if movement is not None and movement.id is None:
        movement.id = next(_ids)
    return thing


def desks():
    return [
        CashDesk(COMPANY, "Till", "cash", is_default=True, id=1),
        CashDesk(COMPANY, "Card terminal", "non_cash", is_default=True, id=2),
    ]


def product(price=1500, title="Shampoo", unit="pcs"):
    return Product(COMPANY, title, unit=unit, sale_price=price, id=next(_ids))


def storage(**options):
    return Storage(COMPANY, options.pop("title", "Shop"), id=next(_ids), **options)


def gift_card(face_value=5000, *, multiple_use=True, pays_for="any", validity_days=365, price=None, paid=True):
    """A gift card sold; `paid`: in an earlier visit that has paid for it (usable), else not yet."""
    card_type = GiftCardType(COMPANY, "Gift", face_value, face_value if price is None else price, validity_days,
                             multiple_use, pays_for, id=3)  # fmt: skip
    card = card_type.sell(f"GIFT{next(_ids)}", CLIENT, NOW)
    card.id = next(_ids)
    card.paid_at = NOW if paid else None
    return card


def membership(uses=5, service_ids=(1,), category_ids=(), client_id=CLIENT, validity_days=30, price=10000, paid=True):
    """A membership sold; `paid`: in an earlier visit that has paid for it (usable), else not yet."""
    kind = MembershipType(COMPANY, "Five cuts", price, uses, validity_days, list(service_ids), list(category_ids), id=4)
    card = kind.sell(f"PASS{next(_ids)}", client_id, NOW)
    card.id = next(_ids)
    card.paid_at = NOW if paid else None
    return card
