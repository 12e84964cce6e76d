from datetime import date, datetime, time
from decimal import Decimal

import pytest

from imports.domain import cells
from imports.domain.cells import CellError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  ", ""),
        (" Anna  ", "Anna"),
        (42, "42"),
        (42.0, "42"),
        (2.5, "2.5"),
        ("'=HYPERLINK(1)", "=HYPERLINK(1)"),
    ],
)
def test_text(value, expected):
    assert cells.text(value, max_length=20) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_required_text_must_be_given(value):
    with pytest.raises(CellError, match="is required"):
        cells.text(value, max_length=20, required=True)


@pytest.mark.parametrize("value", [True, datetime(2016, 1, 4), date(2016, 1, 4), time(10, 30)])
def test_text_is_not_a_date_or_a_boolean(value):
    with pytest.raises(CellError, match="expected text"):
        cells.text(value, max_length=20)


def test_text_longer_than_allowed():
    assert cells.text("x" * 5, max_length=5) == "xxxxx"
    with pytest.raises(CellError, match="longer than 5 characters"):
        cells.text("x" * 6, max_length=5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (25, Decimal(25)),
        (25.5, Decimal("25.5")),
        (0.1, Decimal("0.1")),
        (Decimal("1.25"), Decimal("1.25")),
        ("25", Decimal(25)),
        (" 25.50 ", Decimal("25.50")),
        ("25,50", Decimal("25.50")),
        ("-3", Decimal(-3)),
    ],
)
def test_number(value, expected):
    assert cells.number(value) == expected


@pytest.mark.parametrize(
    "value",
    [True, "abc", "1,000.00", "1 000", "1e3", "€25", "", None, float("nan"), float("inf"), datetime(2016, 1, 4)],
)
def test_not_a_number(value):
    with pytest.raises(CellError, match="expected a number"):
        cells.number(value)


@pytest.mark.parametrize(("value", "expected"), [(7, 7), (7.0, 7), ("7", 7), ("7.0", 7), (2**63 - 1, 2**63 - 1)])
def test_record_id(value, expected):
    assert cells.record_id(value) == expected


@pytest.mark.parametrize(("value", "message"), [(0, "positive"), (-4, "positive"), (7.5, "whole"), (2**63, "whole")])
def test_not_a_record_id(value, message):
    with pytest.raises(CellError, match=message):
        cells.record_id(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (25, 2500),
        (25.5, 2550),
        ("25.50", 2550),
        ("25,5", 2550),
        ("0", 0),
        (0.01, 1),
        ("19.990", 1999),
        ("10000000000", 10**12),
    ],
)
def test_money_in_minor_units(value, expected):
    assert cells.money(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("25.505", "more than 2 decimals"),
        (0.001, "more than 2 decimals"),
        ("-1", "must not be negative"),
        (-0.5, "must not be negative"),
        ("10000000000.01", "too large"),
        (1e300, "too large"),
        ("25 EUR", "expected an amount"),
        ("", "expected an amount"),
    ],
)
def test_not_money(value, message):
    with pytest.raises(CellError, match=message):
        cells.money(value)


def test_money_or_zero():
    assert cells.money_or_zero(None) == 0
    assert cells.money_or_zero(" ") == 0
    assert cells.money_or_zero("1.5") == 150


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12123445678", "12123445678"),
        (12123445678, "12123445678"),
        (12123445678.0, "12123445678"),
        (" +49 151 234-567-89 ", "+49 151 234-567-89"),
        ("(0151) 2345.6789", "(0151) 2345.6789"),
        ("'+4915123456789", "+4915123456789"),  # as our export guards it
    ],
)
def test_phone_is_kept_as_given(value, expected):
    assert cells.phone(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "is required"),
        ("", "is required"),
        ("call me", "expected a phone number"),
        ("+49 151 abc", "expected a phone number"),
        ("-12345678", "expected a phone number"),
        ("1234", "5 to 15 digits"),
        ("1234567890123456", "5 to 15 digits"),
        (1.5, "expected a phone number"),
        (True, "expected a phone number"),
        (datetime(2016, 1, 4), "expected a phone number"),
    ],
)
def test_not_a_phone(value, message):
    with pytest.raises(CellError, match=message):
        cells.phone(value)


def test_email():
    assert cells.email(None) == ""
    assert cells.email(" anna@example.com ") == "anna@example.com"
    with pytest.raises(CellError, match="not an email address"):
        cells.email("anna at example.com")


@pytest.mark.parametrize(
    ("value", "separator", "expected"),
    [
        (None, "##", []),
        ("Cut", "##", ["Cut"]),
        (" Cut ## Colour ", "##", ["Cut", "Colour"]),
        ("1,2##3", ",|##", ["1", "2", "3"]),
        (12, ",|##", ["12"]),
        (25.5, "#", ["25.5"]),
    ],
)
def test_items(value, separator, expected):
    assert cells.items(value, separator) == expected


@pytest.mark.parametrize("value", ["Cut##", "##Cut", "Cut####Colour", "1,,2"])
def test_items_refuse_empty_items(value):
    with pytest.raises(CellError, match="empty item"):
        cells.items(value, ",|##")


def test_names_compare_without_case_or_extra_spaces():
    assert cells.comparable("  Maria   PETROVA ") == cells.comparable("maria petrova")
