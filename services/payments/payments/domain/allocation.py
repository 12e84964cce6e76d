"""What each payment of a bill may pay for: one rule, exact, and the same whatever the order of payment.

A bill has three parts: its **services** (the service lines), the **products** sold, and the
**cards** sold (memberships and gift cards). What pays for what:

- **money** (cash, card, money carried over from bookings) pays any part;
- a gift card for **anything** pays services and products, never a card sold (a gift card never
  buys a gift card or a membership);
- a gift card for **services**, and a membership (for the service lines it covers), pay services;
- a gift card for **products** pays products.

The live payments of a bill are acceptable when each can be put, whole, on parts it may pay, no part
taking more than it costs. Money is fungible: which payment came first says nothing about what it
paid, so this is a property of the set of payments, not of their order. For these parts it comes
down to three sums (Hall's condition for this small case):

    services-only payments                 <= services
    products-only payments                 <= products
    every gift-card and membership payment <= services + products

A new payment may take the most that keeps all three true, and never more than is due. Paying the
services in cash and then the rest with a "services only" card is therefore allowed exactly when
the same payments in the other order would be: the card is taken to have paid services, the cash
the rest. No order of the same payments is ever refused where another is accepted (the property
tests replay accepted payments in shuffled orders).

**Cards sold are paid for first.** Only money pays for a card sold, and the money paid on a bill pays
its cards first, in the order they were sold: a card is *paid for* (usable) once the bill's money
covers its price and those of the cards sold before it. So a membership bought and paid for today
can pay today's cut, and a card never pays before it is paid for. Whenever the money covers the
cards, the rest of the money and every other payment still fit the services and products, so this
agrees with the rule above.
"""

from collections.abc import Sequence
from dataclasses import dataclass

MONEY, ANYTHING, SERVICES, PRODUCTS = "money", "any", "services", "products"


@dataclass(frozen=True)
class Parts:
    """What each part of a bill costs (minor units)."""

    services: int = 0
    products: int = 0
    cards: int = 0

    @property
    def total(self) -> int:
        return self.services + self.products + self.cards

    @property
    def goods(self) -> int:
        """What gift cards and memberships may pay at most: services and products."""
        return self.services + self.products


@dataclass(frozen=True)
class Paid:
    """The live payments of a bill, added up by what they may pay."""

    money: int = 0
    anything: int = 0  # gift cards for anything
    services: int = 0  # gift cards for services, and memberships
    products: int = 0  # gift cards for products

    @property
    def total(self) -> int:
        return self.money + self.anything + self.services + self.products

    @property
    def by_cards(self) -> int:
        """Paid by gift cards and memberships."""
        return self.anything + self.services + self.products

    def plus(self, kind: str, amount: int) -> "Paid":
        field = {MONEY: "money", ANYTHING: "anything", SERVICES: "services", PRODUCTS: "products"}[kind]
        return Paid(**{**self.__dict__, field: getattr(self, field) + amount})


def room(parts: Parts, paid: Paid, kind: str) -> int:
    """The most a new payment of `kind` may take: what is due, and no more than keeps every payment
    on parts it may pay (never below zero)."""
    due = parts.total - paid.total
    if kind == MONEY:
        return max(due, 0)
    limit = parts.goods - paid.by_cards
    if kind == SERVICES:
        limit = min(limit, parts.services - paid.services)
    elif kind == PRODUCTS:
        limit = min(limit, parts.products - paid.products)
    elif kind != ANYTHING:
        raise ValueError(f"unknown kind of payment {kind!r}")
    return max(min(due, limit), 0)


def acceptable(parts: Parts, paid: Paid) -> bool:
    """Whether these payments can each be put on parts they may pay (and no more than the total)."""
    return (
        paid.services <= parts.services
        and paid.products <= parts.products
        and paid.by_cards <= parts.goods
        and paid.total <= parts.total
    )


def cards_paid_for(prices: Sequence[int], money: int) -> list[bool]:
    """For each card sold (in the order sold): whether the bill's money covers it and the ones before it."""
    covered, used = [], 0
    for price in prices:
        used += price
        covered.append(used <= money)
    return covered
