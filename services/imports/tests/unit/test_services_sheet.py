import pytest
from builders import xlsx

from imports.domain.problems import Problem
from imports.domain.services_sheet import SERVICE_COLUMNS, ServiceRow, read_services

COMPANY = 501


def read(*rows: list[object]):
    return read_services(xlsx([SERVICE_COLUMNS, *rows]), COMPANY)


def problems_of(row: list[object]) -> list[tuple[str, str]]:
    sheet = read(row)
    assert sheet.records == []
    return [(problem.column, problem.message) for problem in sheet.problems]


def test_reads_a_service():
    (record,) = read(["Haircut", "Hair", "25.50", 40, 45]).records
    assert record == ServiceRow(
        row=2, name="Haircut", category="Hair", price_min=2550, price_max=4000, duration_minutes=45, key=record.key
    )


@pytest.mark.parametrize(
    ("price_min", "price_max", "expected"),
    [(None, None, (0, 0)), (30, None, (3000, 3000)), ("30", "30", (3000, 3000)), (None, 10, (0, 1000))],
)
def test_prices_default_to_a_fixed_price(price_min, price_max, expected):
    (record,) = read(["Shave", None, price_min, price_max, 30]).records
    assert (record.price_min, record.price_max) == expected
    assert record.category == ""


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ([None, None, 10, 20, 30], ("Name", "is required")),
        (["x" * 201, None, 10, 20, 30], ("Name", "is longer than 200 characters")),
        (["Cut", "c" * 201, 10, 20, 30], ("Category", "is longer than 200 characters")),
        (["Cut", None, "-1", 20, 30], ("Price min", "must not be negative")),
        (["Cut", None, "1.001", 20, 30], ("Price min", "has more than 2 decimals")),
        (["Cut", None, 10, "lots", 30], ("Price max", "expected an amount such as 25.50")),
        (["Cut", None, 20, 10, 30], ("Price max", "is less than Price min")),
        (["Cut", None, 10, 20, None], ("Duration (minutes)", "is required")),
        (["Cut", None, 10, 20, "1h"], ("Duration (minutes)", "expected whole minutes, such as 45")),
        (["Cut", None, 10, 20, 7], ("Duration (minutes)", "must be 5 to 720 minutes, in steps of 5")),
        (["Cut", None, 10, 20, 0], ("Duration (minutes)", "must be 5 to 720 minutes, in steps of 5")),
        (["Cut", None, 10, 20, 725], ("Duration (minutes)", "must be 5 to 720 minutes, in steps of 5")),
    ],
)
def test_every_column_rule(row, problem):
    assert problems_of(row) == [problem]


def test_reports_every_problem_of_a_row():
    assert [column for column, _ in problems_of([None, None, "-1", "x", 3])] == [
        "Name",
        "Price min",
        "Price max",
        "Duration (minutes)",
    ]


def test_a_name_once_per_file():
    sheet = read(["Haircut", None, 10, None, 30], [" HAIRCUT ", "Hair", 20, None, 45])
    assert [record.row for record in sheet.records] == [2]
    assert sheet.problems == [Problem(3, "", "the same service as row 2")]


def test_keys_are_stable_per_company_and_content():
    first = read(["Haircut", "Hair", 10, None, 30]).records[0].key
    assert read(["haircut", "HAIR", "10.00", None, 30]).records[0].key == first
    assert read(["Haircut", "Hair", 10, None, 45]).records[0].key != first
    other_company = read_services(xlsx([SERVICE_COLUMNS, ["Haircut", "Hair", 10, None, 30]]), COMPANY + 1)
    assert other_company.records[0].key != first


def test_header_must_be_the_services_columns():
    sheet = read_services(
        xlsx([["Title", "Category", "Price", "Price max", "Duration"], ["Cut", None, 1, 1, 30]]), COMPANY
    )
    assert [problem.column for problem in sheet.problems] == ["Name", "Price min", "Duration (minutes)"]
    assert sheet.records == []
