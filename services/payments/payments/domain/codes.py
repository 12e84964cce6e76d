"""The codes of memberships and gift cards: typed by staff (printed on a card), or generated.

A code is kept in one canonical form: its letters and digits, upper case, so "abcd-efgh 1234" and
"ABCDEFGH1234" are the same card. Generated codes are 12 characters of an alphabet without the
look-alikes (0/O, 1/I/L), from the operating system's randomness: 60 bits, not guessable, shown in
groups of four. A code typed for a new card needs at least 8 letters and digits, 4 of them
different ("AAAAAAAA" is refused): a short code could be found by trying. Codes of any length from
4 are still looked up, for cards typed before that rule. Unique per company (the database keeps one
table of every code).
"""

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12
MIN_LENGTH, MAX_LENGTH = 4, 32  # of any code looked up (cards typed before 8 was the rule)
TYPED_MIN_LENGTH, TYPED_MIN_DIFFERENT = 8, 4  # of a code typed for a new card
TYPED_RULE = "Use 8 to 32 letters and digits, at least 4 of them different (dashes and spaces are ignored)."
_NOT_CODE = re.compile(r"[\s\-]")


def canonical(code) -> str | None:
    """The code as stored, or None when it cannot be one (too short or long, other characters)."""
    if not isinstance(code, str):
        return None
    cleaned = _NOT_CODE.sub("", code).upper()
    if not MIN_LENGTH <= len(cleaned) <= MAX_LENGTH or not cleaned.isascii() or not cleaned.isalnum():
        return None
    return cleaned


def typed(code) -> str | None:
    """A code typed for a new card, canonical; None when it is not one or too easy to guess."""
    cleaned = canonical(code)
    if cleaned is None or len(cleaned) < TYPED_MIN_LENGTH or len(set(cleaned)) < TYPED_MIN_DIFFERENT:
        return None
    return cleaned


def generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))


def shown(code: str) -> str:
    """ABCDEFGH1234 -> ABCD-EFGH-1234, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
