"""All price arithmetic of an appointment, in integer minor units of the company's currency.

A service line costs `price x quantity` (its subtotal), less its discount: an amount, or a
percent of the subtotal rounded half up to the minor unit. The appointment's total is the sum
of its lines' totals, so the lines always add up to it exactly. What is due is the total less
what has been paid, never below zero. A discount given for a whole booking (as spreadsheets
from other systems carry it) is spread over the lines by `allocate`, again adding up exactly.

Percents are kept as integer hundredths of a percent (12.5 % is 1250), so no float is involved.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_PRICE = 10**10  # minor units of one service: 100 million in a two-decimal currency
MAX_QUANTITY = 1000
WHOLE = 100_00  # 100 %, in hundredths of a percent

NOT_PAID, PARTLY_PAID, PAID = "not_paid", "partly_paid", "paid"


class PriceProblem(ValueError):
    """A price, quantity or discount out of range; `field` names which."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Discount:
    """Off one line: an amount (minor units) or a percent (hundredths), never both."""

    amount: int | None = None
    percent: int | None = None

    @classmethod
    def none(cls) -> "Discount":
        return cls(amount=0)

    @property
    def is_percent(self) -> bool:
        return self.percent is not None


@dataclass(frozen=True)
class LineMoney:
    subtotal: int  # price x quantity
    discount: int  # what the discount takes off, in minor units
    total: int  # subtotal - discount


def percent_hundredths(value) -> int:
    """12.5 (a number or a string) -> 1250; PriceProblem on `discount.percent` outside 0..100 or
    with more than two decimals."""
    try:
        exact = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PriceProblem("discount.percent", "Not a number.") from None
    if not exact.is_finite() or exact != exact.quantize(Decimal("0.01")):
        raise PriceProblem("discount.percent", "Use at most two decimals.")
    if not 0 <= exact <= 100:
        raise PriceProblem("discount.percent", "Must be between 0 and 100.")
    return int(exact * 100)


def percent_of(amount: int, hundredths: int) -> int:
    """`hundredths` of a percent of `amount`, rounded half up to the minor unit."""
    exact = Decimal(amount) * hundredths / WHOLE
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_money(price: int, quantity: int, discount: Discount) -> LineMoney:
    """The line's subtotal, discount and total; PriceProblem naming the field that is out of range."""
    if not 0 <= price <= MAX_PRICE:
        raise PriceProblem("price", f"Must be between 0 and {MAX_PRICE}.")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise PriceProblem("quantity", f"Must be between 1 and {MAX_QUANTITY}.")
    subtotal = price * quantity
    if discount.is_percent:
        if not 0 <= discount.percent <= WHOLE:
            raise PriceProblem("discount.percent", "Must be between 0 and 100.")
        off = percent_of(subtotal, discount.percent)
    else:
        off = discount.amount or 0
        if not 0 <= off <= subtotal:
            raise PriceProblem("discount.amount", f"Must be between 0 and the line's {subtotal}.")
    return LineMoney(subtotal, off, subtotal - off)


@dataclass(frozen=True)
class Bill:
    subtotal: int
    discount: int
    total: int


def bill(lines: Sequence[LineMoney]) -> Bill:
    """The appointment's money: each figure the sum of its lines'."""
    return Bill(sum(line.subtotal for line in lines), sum(line.discount for line in lines),
                sum(line.total for line in lines))  # fmt: skip


def due(total: int, paid: int) -> int:
    """What the client still owes: never negative, even when a line was made cheaper after paying."""
    return max(total - paid, 0)


def payment_status(total: int, paid: int) -> str:
    if paid <= 0:
        return PAID if total == 0 else NOT_PAID
    return PAID if paid >= total else PARTLY_PAID


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` over `weights` in proportion, each share a whole minor unit, the shares adding
    up to `amount` exactly (largest remainder; ties go to the earlier weight). With every weight 0
    the first takes it all. A share never exceeds its weight while `amount` <= sum(weights)."""
    if not weights:
        if amount:
            raise ValueError("nothing to spread an amount over")
        return []
    if amount < 0 or any(weight < 0 for weight in weights):
        raise ValueError("amounts and weights are never negative")
    whole = sum(weights)
    if whole == 0:
        return [amount] + [0] * (len(weights) - 1)
    shares = [amount * weight // whole for weight in weights]
    remainders = [amount * weight % whole for weight in weights]
    left = amount - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares
