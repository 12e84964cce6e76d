"""All money arithmetic of a bill, in integer minor units of the company's currency.

A line of the bill (a service line copied from bookings, a product sold) costs `price x quantity`
less its discount: an amount, or a percent of that subtotal rounded half up to the minor unit
(percents are integer hundredths: 12.5 % is 1250, so no float is ever involved). The bill's total
is its service lines' totals plus its sales' (products, memberships and gift cards sold), so they
add up exactly. What is due is the total less what is paid, never below zero; a payment never
takes more than is due.

The same rules as bookings' pricing: a service sooner repeats a small rule than shares a module
with another service.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_PRICE = 10**10  # minor units of one item: 100 million in a two-decimal currency
MAX_QUANTITY = 1000
MAX_AMOUNT = MAX_PRICE * MAX_QUANTITY
WHOLE = 100_00  # 100 %, in hundredths of a percent

NOT_PAID, PARTLY_PAID, PAID = "not_paid", "partly_paid", "paid"


class MoneyProblem(ValueError):
    """A price, quantity, discount or amount out of range; `field` names which."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Discount:
    """Off one line: an amount (minor units) or a percent (hundredths), never both."""

    amount: int | None = None
    percent: int | None = None

    @property
    def is_percent(self) -> bool:
        return self.percent is not None


NO_DISCOUNT = Discount(amount=0)


@dataclass(frozen=True)
class LineMoney:
    subtotal: int  # price x quantity
    discount: int  # what the discount takes off
    total: int  # subtotal - discount


def percent_hundredths(value) -> int:
    """12.5 (a number or a string) -> 1250; MoneyProblem on `discount.percent` outside 0..100 or
    with more than two decimals."""
    try:
        exact = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise MoneyProblem("discount.percent", "Not a number.") from None
    if not exact.is_finite() or exact != exact.quantize(Decimal("0.01")):
        raise MoneyProblem("discount.percent", "Use at most two decimals.")
    if not 0 <= exact <= 100:
        raise MoneyProblem("discount.percent", "Must be between 0 and 100.")
    return int(exact * 100)


def percent_of(amount: int, hundredths: int) -> int:
    """`hundredths` of a percent of `amount`, rounded half up to the minor unit."""
    exact = Decimal(amount) * hundredths / WHOLE
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_money(price: int, quantity: int, discount: Discount = NO_DISCOUNT) -> LineMoney:
    """A line's subtotal, discount and total; MoneyProblem naming the field out of range."""
    if not 0 <= price <= MAX_PRICE:
        raise MoneyProblem("price", f"Must be between 0 and {MAX_PRICE}.")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise MoneyProblem("quantity", f"Must be between 1 and {MAX_QUANTITY}.")
    subtotal = price * quantity
    if discount.is_percent:
        if not 0 <= discount.percent <= WHOLE:
            raise MoneyProblem("discount.percent", "Must be between 0 and 100.")
        off = percent_of(subtotal, discount.percent)
    else:
        off = discount.amount or 0
        if not 0 <= off <= subtotal:
            raise MoneyProblem("discount.amount", f"Must be between 0 and the line's {subtotal}.")
    return LineMoney(subtotal, off, subtotal - off)


def unit_values(total: int, quantity: int) -> list[int]:
    """A line's total split into its units (one per unit of quantity), adding up to it exactly: the
    first units carry the minor units that do not divide evenly. 1000 for 3 -> [334, 333, 333]."""
    if quantity < 1:
        return []
    each, rest = divmod(total, quantity)
    return [each + (1 if unit < rest else 0) for unit in range(quantity)]


def total_of(amounts: Iterable[int]) -> int:
    return sum(amounts)


def due(total: int, paid: int) -> int:
    """What the client still owes: never negative, even when a line was made cheaper after paying."""
    return max(total - paid, 0)


def overpaid(total: int, paid: int) -> int:
    """What was paid beyond the total (a line made cheaper after paying): to give back by hand."""
    return max(paid - total, 0)


def payment_status(total: int, paid: int) -> str:
    """Paid in full when nothing is due (a bill of nothing is paid in full)."""
    if due(total, paid) == 0:
        return PAID
    return PARTLY_PAID if paid > 0 else NOT_PAID


def payable(due_now: int, limit: int | None = None) -> int:
    """The most one payment may take: what is due, and no more than `limit` (what a restricted
    gift card or a membership may cover, or a gift card's balance)."""
    return max(min(due_now, limit if limit is not None else due_now), 0)


def amount_to_take(asked: int | None, most: int) -> int:
    """The amount of a payment: the one asked for, or (a quick payment) everything it may take.
    MoneyProblem on `amount` for nothing to take, or more than it may."""
    if most <= 0:
        raise MoneyProblem("amount", "Nothing is due.")
    if asked is None:
        return most
    if asked <= 0:
        raise MoneyProblem("amount", "Must be more than 0.")
    if asked > most:
        raise MoneyProblem("amount", f"Only {most} may be paid this way now.")
    return asked
