"""Phone numbers of the salon's clients: normalised to E.164 (salon_infra.phones), and searched for
by the digits staff type."""

import phonenumbers

from salon_infra.phones import InvalidPhone, is_known_region, normalise_phone

__all__ = ["InvalidPhone", "is_known_region", "normalise_phone", "searched_digits"]


def searched_digits(text: str, default_region: str | None = None) -> list[str]:
    """The digit runs to look for inside stored E.164 phones when staff type part of a number:
    the digits as typed, and, for a national number in a region with a trunk prefix ("0151 77"
    in Germany), the same with the country code instead ("4915177"). Empty below 3 digits."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 3:
        return []
    found = [digits]
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(default_region) if default_region else None
    prefix = metadata.national_prefix if metadata else None
    if prefix and digits.startswith(prefix) and not text.strip().startswith(("+", "00")):
        found.append(f"{phonenumbers.country_code_for_region(default_region)}{digits[len(prefix) :]}")
    return found
