"""What callers ask the payments service for, as small typed commands (payments.schemas makes them)."""

from dataclasses import dataclass

from payments.domain.money import NO_DISCOUNT, Discount


@dataclass(frozen=True)
class TakePayment:
    """Cash or card (to a cash desk, the default of its kind unless named), a gift card or a
    membership by its code. No amount: everything it may pay (the quick "Cash" / "Card")."""

    method: str
    idempotency_key: str
    actor_id: int
    amount: int | None = None
    cash_desk_id: int | None = None
    code: str | None = None
    seen_version: int | None = None  # of the appointment, as the caller saw it


@dataclass(frozen=True)
class SellProduct:
    product_id: int
    quantity: int
    actor_id: int
    idempotency_key: str
    storage_id: int | None = None  # None: the salon's first storage for sale
    staff_member_id: int | None = None  # None: the visit's staff member
    price: int | None = None  # None: the product's sale price
    discount: Discount = NO_DISCOUNT
    seen_version: int | None = None


@dataclass(frozen=True)
class AddConsumable:
    line_id: int
    product_id: int
    quantity: int
    actor_id: int
    storage_id: int | None = None  # None: the salon's first storage for services
    seen_version: int | None = None


@dataclass(frozen=True)
class SellCard:
    kind: str  # membership or gift_card
    type_id: int
    actor_id: int
    idempotency_key: str
    code: str | None = None  # None: a generated one
    seen_version: int | None = None
