"""Phone numbers as people type them, normalised to E.164 with `phonenumbers`: the clients service keys its
cards by them, and bookings checks a confirmed phone against the one a booking carries."""

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str, default_region: str | None = None) -> str:
    """Return the number in E.164 ("+4915112345678").

    Accepted: international form ("+49 151 ...", "0049 151 ..."); a national number in the
    company's region ("0151 ..."); or all digits with the country code and no plus
    ("4915112345678"), the form salons export from other systems.
    """
    text = raw.strip()
    if not text:
        raise InvalidPhone("is empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        candidates = [(text, None)]
    elif _starts_with_country_code(text, default_region):
        candidates = [("+" + text, None), (text, default_region)]
    else:
        candidates = [(text, default_region), ("+" + text, None)]
    for candidate, region in candidates:
        number = _parse(candidate, region)
        if number is not None and phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise InvalidPhone(f"{raw!r} is not a valid phone number")


def _starts_with_country_code(text: str, region: str | None) -> bool:
    """Digits that begin with the region's country code, where a national number could not:
    in regions with a trunk prefix (Germany's 0) a national number as typed begins with it.
    In regions without one (Poland, Italy) the digits may be national, and national wins."""
    if region is None:
        return False
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    has_trunk_prefix = bool(metadata and metadata.national_prefix)
    return has_trunk_prefix and text.startswith(str(phonenumbers.country_code_for_region(region)))


def _parse(text: str, region: str | None):
    if region is None and not text.startswith("+"):
        return None
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def is_known_region(region: str) -> bool:
    return region in phonenumbers.SUPPORTED_REGIONS
