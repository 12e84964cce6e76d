"""The services sheet: one service per row, in these columns and this order.

 1 Name                 required, at most 200 characters; once per file
 2 Category             the category's title; empty: no category
 3 Price min            an amount such as 25.50; 0 when empty
 4 Price max            an amount, at least Price min; empty: Price min (a fixed price)
 5 Duration (minutes)   required, 5 to 720 in steps of 5, as the platform's services allow

Amounts have at most 2 decimals and become minor units. The caller decides what a name that
already exists in the company means.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from imports.domain import cells
from imports.domain.columns import Layout, ParsedSheet, RowCells, parse_sheet, read_sheet
from imports.domain.keys import row_key
from imports.domain.limits import DEFAULT_LIMITS, Limits
from imports.domain.problems import Problem
from imports.domain.workbook import SheetRow

NAME = "Name"
CATEGORY = "Category"
PRICE_MIN = "Price min"
PRICE_MAX = "Price max"
DURATION = "Duration (minutes)"
SERVICE_COLUMNS = (NAME, CATEGORY, PRICE_MIN, PRICE_MAX, DURATION)
LAYOUT = Layout(SERVICE_COLUMNS, record="service")

MAX_TITLE_LENGTH = 200
DURATION_STEP_MINUTES = 5
MAX_DURATION_MINUTES = 720


@dataclass(frozen=True)
class ServiceRow:
    row: int
    name: str
    category: str  # "" for none
    price_min: int  # minor units
    price_max: int  # minor units
    duration_minutes: int
    key: str  # the same service content in the same company has the same key, in any file


def read_services(content: bytes, company_id: int, limits: Limits = DEFAULT_LIMITS) -> ParsedSheet[ServiceRow]:
    return read_sheet(content, partial(parse_services, company_id=company_id), limits)


def parse_services(sheet_rows: Iterable[SheetRow | Problem], company_id: int) -> Iterator[ServiceRow | Problem]:
    return parse_sheet(
        sheet_rows,
        LAYOUT,
        partial(_service, company_id=company_id),
        identity=lambda service: cells.comparable(service.name),
    )


def _service(row: RowCells, company_id: int) -> ServiceRow | None:
    name = row.parse(NAME, cells.text, max_length=MAX_TITLE_LENGTH, required=True)
    category = row.parse(CATEGORY, cells.text, max_length=MAX_TITLE_LENGTH)
    price_min = row.parse(PRICE_MIN, cells.money_or_zero)
    price_max = price_min if cells.is_empty(row.value(PRICE_MAX)) else row.parse(PRICE_MAX, cells.money)
    if price_min is not None and price_max is not None and price_max < price_min:
        row.report(PRICE_MAX, f"is less than {PRICE_MIN}")
    duration = row.parse(DURATION, _duration_minutes)
    if row.problems:
        return None
    fields = {
        "name": name,
        "category": category,
        "price_min": price_min,
        "price_max": price_max,
        "duration_minutes": duration,
    }
    normalised = dict(fields, name=cells.comparable(name), category=cells.comparable(category))
    return ServiceRow(row=row.number, key=row_key(company_id, normalised), **fields)


def _duration_minutes(value: object) -> int:
    if cells.is_empty(value):
        raise cells.CellError("is required")
    try:
        minutes = cells.whole_number(value)
    except cells.CellError:
        raise cells.CellError("expected whole minutes, such as 45") from None
    if not DURATION_STEP_MINUTES <= minutes <= MAX_DURATION_MINUTES or minutes % DURATION_STEP_MINUTES:
        raise cells.CellError(f"must be 5 to {MAX_DURATION_MINUTES} minutes, in steps of {DURATION_STEP_MINUTES}")
    return minutes
