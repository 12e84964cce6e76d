import pytest

from clients.domain.phones import InvalidPhone, normalise_phone, searched_digits


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+49 151 23456789", None, "+4915123456789"),
        ("0049 151 23456789", None, "+4915123456789"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("(0151) 234-567-89", "DE", "+4915123456789"),
        ("4915123456789", "DE", "+4915123456789"),  # exported without the plus
        ("12123445678", None, "+12123445678"),  # the seed's import example
        ("+1 (212) 344-5678", "DE", "+12123445678"),  # international wins over the region
        ("48 304 56 78", "PL", "+48483045678"),  # Radom, typed nationally: Poland has no trunk 0
        ("48483045678", "PL", "+48483045678"),  # the same with the country code
        ("0049 151 23456789", "PL", "+4915123456789"),
    ],
)
def test_normalises_to_e164(raw, region, expected):
    assert normalise_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region"), [("", None), ("   ", "DE"), ("12345", "DE"), ("+49 1", None), ("abc", "DE")]
)
def test_rejects_what_is_not_a_phone(raw, region):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw, region)


def test_a_national_number_needs_a_region():
    with pytest.raises(InvalidPhone):
        normalise_phone("0151 23456789")


@pytest.mark.parametrize(
    ("typed", "region", "expected"),
    [
        ("0151 77", "DE", ["015177", "4915177"]),  # a national number: also with the country code
        ("+49 151 77", "DE", ["4915177"]),
        ("151 77", "DE", ["15177"]),
        ("0151 77", None, ["015177"]),
        ("601 234", "PL", ["601234"]),  # Poland has no trunk prefix
        ("01", "DE", []),
    ],
)
def test_the_digits_searched_for_in_stored_phones(typed, region, expected):
    assert searched_digits(typed, region) == expected
