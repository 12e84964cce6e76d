"""The codes of memberships and gift cards: typed by staff (printed on a card), or generated.

A code is kept in one canonical form: its letters and digits, upper case, so "abcd-efgh 1234" and
"ABCDEFGH1234" are the same card. Generated codes are 12 characters of an alphabet without the
look-alikes (0/O, 1/I/L), from the operating system's randomness: 60 bits, not guessable, shown in
groups of four. Unique per company (the database keeps one table of every code).
"""

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12
MIN_LENGTH, MAX_LENGTH = 4, 32
_NOT_CODE = re.compile(r"[\s\-]")


def canonical(code) -> str | None:
    """The code as stored, or None when it cannot be one (too short or long, other characters)."""
    if not isinstance(code, str):
        return None
    cleaned = _NOT_CODE.sub("", code).upper()
    if not MIN_LENGTH <= len(cleaned) <= MAX_LENGTH or not cleaned.isascii() or not cleaned.isalnum():
        return None
    return cleaned


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))


def shown(code: str) -> str:
    """ABCDEFGH1234 -> ABCD-EFGH-1234, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
