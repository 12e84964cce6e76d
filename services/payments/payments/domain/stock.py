"""The stock ledger: every arrival, sale, consumable written off and write-off of a product in a
storage is a movement, and the stock of a product in a storage is what its movements add up to.

Quantities are whole units of the product (a product counted in ml is sold and written off in
ml). A movement is never changed or removed: a sale or a consumable taken back is a new movement
that reverses it, and each may be reversed once (the database holds a unique index on
`reverses_id`, so two reversals at the same moment cannot both land). Stock never goes below
zero in a storage that does not allow negative stock; the database refuses the movement that
would take it there (migration 0002), so two tills selling the last one cannot both win.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from payments.exceptions import NothingToChange
from salon_infra.errors import Conflict, InvalidInput

ARRIVAL, SALE, CONSUMABLE, WRITE_OFF = "arrival", "sale", "consumable", "write_off"
SALE_RETURN, CONSUMABLE_RETURN = "sale_return", "consumable_return"
KINDS = (ARRIVAL, SALE, CONSUMABLE, WRITE_OFF, SALE_RETURN, CONSUMABLE_RETURN)
TAKES = {SALE: -1, CONSUMABLE: -1, WRITE_OFF: -1, ARRIVAL: 1, SALE_RETURN: 1, CONSUMABLE_RETURN: 1}
REVERSAL_OF = {SALE: SALE_RETURN, CONSUMABLE: CONSUMABLE_RETURN}
MAX_QUANTITY = 1_000_000  # of one movement, in the product's unit
UNITS = ("pcs", "ml", "g", "cm")


@dataclass(eq=False)
class Storage:
    """Where products are kept: for sale, for services (consumables), or both."""

    company_id: int
    title: str
    for_sale: bool = True
    for_services: bool = False
    allows_negative: bool = False
    active: bool = True
    id: int | None = None

    def __post_init__(self):
        self.check()

    def check(self) -> None:
        if not (self.for_sale or self.for_services):
            raise InvalidInput.field("for_sale", "A storage is for sale, for services, or both.")

    def require(self, purpose: str) -> None:
        """InvalidInput on `storage_id` unless it serves `purpose` ("sale" or "services")."""
        if not self.active:
            raise InvalidInput.field("storage_id", "This storage is switched off.")
        if purpose == "sale" and not self.for_sale:
            raise InvalidInput.field("storage_id", f"{self.title} is not a storage for sale.")
        if purpose == "services" and not self.for_services:
            raise InvalidInput.field("storage_id", f"{self.title} is not a storage for services.")


@dataclass(eq=False)
class Product:
    company_id: int
    title: str
    unit: str = "pcs"
    sale_price: int = 0
    cost_price: int = 0
    article: str | None = None
    barcode: str | None = None
    category: str | None = None
    active: bool = True
    created_at: datetime | None = None
    id: int | None = None

    def require_active(self, field: str = "product_id") -> None:
        if not self.active:
            raise InvalidInput.field(field, f"{self.title} is switched off.")


@dataclass(eq=False)
class StockMovement:
    company_id: int
    storage_id: int
    product_id: int
    kind: str
    quantity: int  # signed: what it adds to the stock
    created_at: datetime
    created_by_id: int | None = None
    note: str | None = None
    reverses_id: int | None = None
    id: int | None = None

    def reversal(self, actor_id: int | None, now: datetime) -> "StockMovement":
        """The movement that takes this one back: a sale's stock returns, a consumable's write-off is undone."""
        if self.kind not in REVERSAL_OF:
            raise InvalidInput.field("kind", f"A {self.kind} is not taken back; record a new movement.")
        return StockMovement(self.company_id, self.storage_id, self.product_id, REVERSAL_OF[self.kind],
                             -self.quantity, now, actor_id, reverses_id=self.id)  # fmt: skip


def movement(
    company_id: int, storage: Storage, product: Product, kind: str, quantity: int, actor_id, now, note=None
) -> StockMovement:
    """A new movement of `quantity` units (always given positive; the kind says which way)."""
    if kind not in (ARRIVAL, SALE, CONSUMABLE, WRITE_OFF):
        raise InvalidInput.field("kind", f"Must be one of {ARRIVAL}, {WRITE_OFF}.")
    check_quantity(quantity)
    product.require_active()
    return StockMovement(company_id, storage.id, product.id, kind, TAKES[kind] * quantity, now, actor_id, note)


def check_quantity(quantity: int, field: str = "quantity") -> None:
    if type(quantity) is not int or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput.field(field, f"Must be a whole number from 1 to {MAX_QUANTITY}.")


def require_available(level: int, taking: int, storage: Storage, product: Product, field: str = "quantity") -> None:
    """Conflict naming `field` when taking `taking` units would leave the storage below zero.
    The database decides in the end (a concurrent sale may take the last one first)."""
    if taking > 0 and level - taking < 0 and not storage.allows_negative:
        raise not_in_stock(max(level, 0), storage, product, field)


def not_in_stock(level: int, storage: Storage | None, product: Product | None, field: str = "quantity") -> Conflict:
    where = f" in {storage.title}" if storage else ""
    what, unit = (product.title, product.unit) if product else ("this product", "")
    return Conflict(f"not enough {what}{where}", {field: [f"Only {level} {unit} in stock{where}.".replace("  ", " ")]})


def levels(movements: Iterable[StockMovement]) -> dict[tuple[int, int], int]:
    """(storage_id, product_id) -> stock: what the ledger adds up to."""
    found = defaultdict(int)
    for each in movements:
        found[(each.storage_id, each.product_id)] += each.quantity
    return dict(found)


def reverse_once(reversed_already: bool) -> None:
    if reversed_already:
        raise NothingToChange()
