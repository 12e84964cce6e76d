"""Memberships and gift cards: their types, and the cards sold in a visit with a code.

- A **membership type** covers services (by id) or service categories, with a number of uses and a
  validity period. A membership sold to a client pays for the covered service lines of that
  client's later visits (or of the visit it was sold in): one use pays one unit (one of the line's
  quantity), so a payment uses as many uses as the units it pays, a part of a unit counting as one.
- A **gift-card type** has a face value, single or multiple use, what it may pay for (services,
  products or anything) and a validity period. A gift card pays part or all of a bill from its
  balance, which never goes below zero; a single-use card pays once.

A card sold is usable only once it is **paid for** (`paid_at`): when the money paid on the bill
that sold it covers its price (domain/allocation.py). Deleting a payment gives back what it took,
once. The card rows are locked while they are spent, and CHECK constraints keep their balance and
uses within bounds (migration 0002).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from payments.domain import money
from salon_infra.errors import Conflict, InvalidInput

MEMBERSHIP, GIFT_CARD = "membership", "gift_card"
SERVICES, PRODUCTS, ANYTHING = "services", "products", "any"
PAYS_FOR = (SERVICES, PRODUCTS, ANYTHING)
MAX_USES = 1000
NOT_PAID_FOR = "This {what} is not paid for yet: it becomes usable once the visit it was sold in has paid its price."
MAX_VALIDITY_DAYS = 3660


def _check_type(price: int, validity_days: int) -> None:
    if not 0 <= price <= money.MAX_PRICE:
        raise InvalidInput.field("price", f"Must be between 0 and {money.MAX_PRICE}.")
    if not 1 <= validity_days <= MAX_VALIDITY_DAYS:
        raise InvalidInput.field("validity_days", f"Must be between 1 and {MAX_VALIDITY_DAYS}.")


@dataclass(eq=False)
class MembershipType:
    company_id: int
    title: str
    price: int
    uses: int
    validity_days: int
    service_ids: list[int] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    active: bool = True
    id: int | None = None

    def __post_init__(self):
        self.check()

    def check(self) -> None:
        _check_type(self.price, self.validity_days)
        if not 1 <= self.uses <= MAX_USES:
            raise InvalidInput.field("uses", f"Must be between 1 and {MAX_USES}.")
        if not self.service_ids and not self.category_ids:
            raise InvalidInput.field("service_ids", "Say which services or service categories it covers.")

    def sell(self, code: str, client_id: int, now: datetime) -> "Membership":
        if not self.active:
            raise InvalidInput.field("type_id", f"{self.title} is no longer sold.")
        return Membership(
            company_id=self.company_id, type_id=self.id, code=code, title=self.title, client_id=client_id,
            price=self.price, uses_total=self.uses, uses_left=self.uses, service_ids=list(self.service_ids),
            category_ids=list(self.category_ids), sold_at=now, expires_at=now + timedelta(days=self.validity_days),
        )  # fmt: skip


@dataclass(eq=False)
class Membership:
    company_id: int
    type_id: int
    code: str
    title: str
    client_id: int
    price: int
    uses_total: int
    uses_left: int
    sold_at: datetime
    expires_at: datetime
    service_ids: list[int] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    bill_id: int | None = None
    paid_at: datetime | None = None  # when the money paid on its bill came to cover it
    voided_at: datetime | None = None
    voided_by_id: int | None = None
    id: int | None = None

    kind = MEMBERSHIP

    def covers(self, service_id: int, category_id: int | None) -> bool:
        return service_id in self.service_ids or (category_id is not None and category_id in self.category_ids)

    @property
    def used(self) -> bool:
        return self.uses_left < self.uses_total

    def require_usable(self, now: datetime, client_id: int) -> None:
        """Conflict naming `code` for a membership that is void, not paid for, expired, used up or someone else's."""
        if self.voided_at is not None:
            raise Conflict.field("code", "This membership was cancelled.")
        if self.paid_at is None:
            raise Conflict.field("code", NOT_PAID_FOR.format(what="membership"))
        if now >= self.expires_at:
            raise Conflict.field("code", f"This membership expired on {self.expires_at.date().isoformat()}.")
        if self.client_id != client_id:
            raise Conflict.field("code", "This membership belongs to another client.")
        if self.uses_left <= 0:
            raise Conflict.field("code", "This membership has no uses left.")

    def use(self, uses: int) -> None:
        if uses > self.uses_left:
            left = self.uses_left
            raise Conflict.field("code", f"This membership has only {left} uses left; the visit needs {uses}.")
        self.uses_left -= uses

    def give_back(self, uses: int) -> None:
        self.uses_left += uses

    def void(self, actor_id: int | None, now: datetime) -> None:
        if self.used:
            raise Conflict.field("card_id", "This membership has been used; delete those payments first.")
        self.voided_at, self.voided_by_id = now, actor_id


@dataclass(eq=False)
class GiftCardType:
    company_id: int
    title: str
    face_value: int
    price: int
    validity_days: int
    multiple_use: bool = True
    pays_for: str = ANYTHING
    active: bool = True
    id: int | None = None

    def __post_init__(self):
        self.check()

    def check(self) -> None:
        _check_type(self.price, self.validity_days)
        if not 1 <= self.face_value <= money.MAX_PRICE:
            raise InvalidInput.field("face_value", f"Must be between 1 and {money.MAX_PRICE}.")
        if self.pays_for not in PAYS_FOR:
            raise InvalidInput.field("pays_for", f"Must be one of {', '.join(PAYS_FOR)}.")

    def sell(self, code: str, client_id: int, now: datetime) -> "GiftCard":
        if not self.active:
            raise InvalidInput.field("type_id", f"{self.title} is no longer sold.")
        return GiftCard(
            company_id=self.company_id, type_id=self.id, code=code, title=self.title, client_id=client_id,
            price=self.price, face_value=self.face_value, balance=self.face_value, multiple_use=self.multiple_use,
            pays_for=self.pays_for, sold_at=now, expires_at=now + timedelta(days=self.validity_days),
        )  # fmt: skip


@dataclass(eq=False)
class GiftCard:
    company_id: int
    type_id: int
    code: str
    title: str
    client_id: int  # who bought it; anyone holding the code may pay with it
    price: int
    face_value: int
    balance: int
    sold_at: datetime
    expires_at: datetime
    multiple_use: bool = True
    pays_for: str = ANYTHING
    uses: int = 0  # live payments made with it
    bill_id: int | None = None
    paid_at: datetime | None = None  # when the money paid on its bill came to cover it
    voided_at: datetime | None = None
    voided_by_id: int | None = None
    id: int | None = None

    kind = GIFT_CARD

    @property
    def used(self) -> bool:
        return self.uses > 0 or self.balance < self.face_value

    def require_usable(self, now: datetime) -> None:
        """Conflict naming `code` for a card that is void, not paid for, expired, used up, or single use and used."""
        if self.voided_at is not None:
            raise Conflict.field("code", "This gift card was cancelled.")
        if self.paid_at is None:
            raise Conflict.field("code", NOT_PAID_FOR.format(what="gift card"))
        if now >= self.expires_at:
            raise Conflict.field("code", f"This gift card expired on {self.expires_at.date().isoformat()}.")
        if not self.multiple_use and self.uses > 0:
            raise Conflict.field("code", "This gift card is for one use and has been used.")
        if self.balance <= 0:
            raise Conflict.field("code", "Nothing is left on this gift card.")

    def spend(self, amount: int) -> None:
        """Never below zero; the row is locked, and a CHECK refuses it anyway."""
        if amount > self.balance:
            raise Conflict.field("amount", f"Only {self.balance} is left on this gift card.")
        self.balance -= amount
        self.uses += 1

    def give_back(self, amount: int) -> None:
        self.balance += amount
        self.uses -= 1

    def void(self, actor_id: int | None, now: datetime) -> None:
        if self.used:
            raise Conflict.field("card_id", "This gift card has been used; delete those payments first.")
        self.voided_at, self.voided_by_id = now, actor_id
