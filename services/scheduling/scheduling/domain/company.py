"""The rules a company's profile must follow."""

import re
import zoneinfo

import phonenumbers

SLOT_STEPS = (5, 10, 15, 20, 30, 60)
"""Minutes between offered start times; each divides an hour, so every hour starts on the grid."""

_CURRENCY = re.compile(r"[A-Z]{3}")


def is_known_timezone(name: str) -> bool:
    """An IANA zone such as "Europe/Berlin" that zoneinfo can load."""
    if not name or name != name.strip():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def is_currency_code(code: str) -> bool:
    """ISO 4217 form: three uppercase letters."""
    return bool(_CURRENCY.fullmatch(code))


def is_known_country(code: str) -> bool:
    """An ISO 3166 alpha-2 code the clients service can parse phone numbers for."""
    return code in phonenumbers.SUPPORTED_REGIONS
