"""Cell values as people type them into Excel, parsed strictly.

A parser returns the value or raises CellError; the sheet reports its message against the cell's
column. An empty cell is None or blank text.
"""

import re
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

from imports.domain.formulas import restore

MAX_ID = 2**63 - 1  # ids are BIGINT
MAX_AMOUNT = 10**12  # minor units, as the services' prices allow
MAX_PHONE_LENGTH = 40

_NUMBER = re.compile(r"[+-]?\d{1,18}(?:[.,]\d{1,18})?")
_PHONE = re.compile(r"\+?[\d(][\d ()./-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CENT = Decimal("0.01")


class CellError(ValueError):
    pass


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def comparable(name: str) -> str:
    """A name as compared with another: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def text(value: object, *, max_length: int, required: bool = False) -> str:
    if is_empty(value):
        if required:
            raise CellError("is required")
        return ""
    if isinstance(value, bool | date | time | timedelta):
        raise CellError("expected text")
    result = restore(value.strip()).strip() if isinstance(value, str) else _number_text(number(value))
    if len(result) > max_length:
        raise CellError(f"is longer than {max_length} characters")
    return result


def number(value: object) -> Decimal:
    """A number cell, or text such as "25", "25.50" or "25,50". No thousands separators, no exponents."""
    if isinstance(value, bool):
        raise CellError("expected a number")
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))  # the shortest form that reads back: 25.5, not 25.499999...
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        result = Decimal(value.strip().replace(",", "."))
    else:
        raise CellError("expected a number")
    if not result.is_finite():
        raise CellError("expected a number")
    return result


def whole_number(value: object) -> int:
    result = number(value)
    if abs(result) > MAX_ID or not _is_whole(result):
        raise CellError("expected a whole number")
    return int(result)


def record_id(value: object) -> int:
    result = whole_number(value)
    if result < 1:
        raise CellError("must be a positive whole number")
    return result


def money(value: object) -> int:
    """An amount such as 25.50, in minor units (2550)."""
    try:
        amount = number(value)
    except CellError:
        raise CellError("expected an amount such as 25.50") from None
    if amount < 0:
        raise CellError("must not be negative")
    if amount * 100 > MAX_AMOUNT:
        raise CellError("is too large")
    try:
        if amount != amount.quantize(_CENT):
            raise CellError("has more than 2 decimals")
    except InvalidOperation:
        raise CellError("has more than 2 decimals") from None
    return int(amount * 100)


def money_or_zero(value: object) -> int:
    return 0 if is_empty(value) else money(value)


def phone(value: object) -> str:
    """The number as given, stripped: digits, maybe a leading + and spaces, dashes, dots or brackets.
    The caller normalises it to E.164 with the company's region."""
    if is_empty(value):
        raise CellError("is required")
    if isinstance(value, str):
        result = restore(value.strip()).strip()
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool) and _is_whole(number(value)):
        result = _number_text(number(value))
    else:
        result = ""
    digits = sum(character.isdigit() for character in result)
    if not _PHONE.fullmatch(result) or len(result) > MAX_PHONE_LENGTH:
        raise CellError("expected a phone number of digits, such as 12123445678")
    if not 5 <= digits <= 15:
        raise CellError("expected 5 to 15 digits")
    return result


def email(value: object) -> str:
    result = text(value, max_length=254)
    if result and not _EMAIL.fullmatch(result):
        raise CellError("is not an email address")
    return result


def items(value: object, separator: str) -> list[str]:
    """The parts of a cell that lists several things, e.g. "Cut##Colour"; [] when empty."""
    if is_empty(value):
        return []
    whole = restore(value.strip()) if isinstance(value, str) else _number_text(number(value))
    parts = [part.strip() for part in re.split(separator, whole)]
    if not all(parts):
        raise CellError("has an empty item between separators")
    return parts


def _is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _number_text(value: Decimal) -> str:
    if _is_whole(value):
        return str(int(value))
    return str(value)
