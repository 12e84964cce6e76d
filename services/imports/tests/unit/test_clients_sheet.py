import pytest
from builders import xlsx

from imports.domain.clients_sheet import CLIENT_COLUMNS, ClientRow, read_clients
from imports.domain.problems import Problem

COMPANY = 501


def read(*rows: list[object]):
    return read_clients(xlsx([CLIENT_COLUMNS, *rows]), COMPANY)


def test_reads_clients():
    sheet = read(["Anna Smirnova", 12123445678, "anna@example.com"], ["Bob", "+49 151 23456789", None])
    assert sheet.problems == []
    assert [(record.row, record.name, record.phone, record.email) for record in sheet.records] == [
        (2, "Anna Smirnova", "12123445678", "anna@example.com"),
        (3, "Bob", "+49 151 23456789", ""),
    ]
    assert isinstance(sheet.records[0], ClientRow)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ([None, "12123445678", None], ("Name", "is required")),
        (["x" * 201, "12123445678", None], ("Name", "is longer than 200 characters")),
        (["Anna", None, None], ("Phone", "is required")),
        (["Anna", "n/a", None], ("Phone", "expected a phone number of digits, such as 12123445678")),
        (["Anna", "123", None], ("Phone", "expected 5 to 15 digits")),
        (["Anna", "12123445678", "anna(at)example.com"], ("Email", "is not an email address")),
    ],
)
def test_every_column_rule(row, problem):
    sheet = read(row)
    assert sheet.records == []
    assert [(item.column, item.message) for item in sheet.problems] == [problem]


def test_reports_every_problem_of_a_row():
    assert [problem.column for problem in read([None, None, "nope"]).problems] == ["Name", "Phone", "Email"]


def test_a_phone_once_per_file():
    sheet = read(["Anna", "1 212 344 5678", None], ["Anna S.", 12123445678, None])
    assert [record.row for record in sheet.records] == [2]
    assert sheet.problems == [Problem(3, "", "the same client as row 2")]


def test_keys_are_stable_per_company_and_content():
    first = read(["Anna", "12123445678", "Anna@Example.com"]).records[0].key
    assert read([" anna ", "1-212-344-5678", "anna@example.com"]).records[0].key == first
    assert read(["Anna", "12123445679", None]).records[0].key != first
    assert read_clients(xlsx([CLIENT_COLUMNS, ["Anna", "12123445678", "Anna@Example.com"]]), 9).records[0].key != first
