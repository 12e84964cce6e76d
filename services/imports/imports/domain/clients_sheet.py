"""The clients sheet: one client per row, in these columns and this order.

 1 Name    required, at most 200 characters
 2 Phone   required: digits such as 12123445678, as text or a number cell; once per file
 3 Email   an email address, or empty

The phone is kept as given: the caller normalises it to E.164 with the company's region, and a
client card is one per phone.
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
PHONE = "Phone"
EMAIL = "Email"
CLIENT_COLUMNS = (NAME, PHONE, EMAIL)
LAYOUT = Layout(CLIENT_COLUMNS, record="client")

MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class ClientRow:
    row: int
    name: str
    phone: str  # as given; the caller normalises it to E.164
    email: str  # "" for none
    key: str  # the same client content in the same company has the same key, in any file


def read_clients(content: bytes, company_id: int, limits: Limits = DEFAULT_LIMITS) -> ParsedSheet[ClientRow]:
    return read_sheet(content, partial(parse_clients, company_id=company_id), limits)


def parse_clients(sheet_rows: Iterable[SheetRow | Problem], company_id: int) -> Iterator[ClientRow | Problem]:
    return parse_sheet(
        sheet_rows, LAYOUT, partial(_client, company_id=company_id), identity=lambda client: _digits(client.phone)
    )


def _client(row: RowCells, company_id: int) -> ClientRow | None:
    name = row.parse(NAME, cells.text, max_length=MAX_NAME_LENGTH, required=True)
    phone = row.parse(PHONE, cells.phone)
    email = row.parse(EMAIL, cells.email)
    if row.problems:
        return None
    normalised = {"name": cells.comparable(name), "phone": _digits(phone), "email": email.casefold()}
    return ClientRow(row=row.number, name=name, phone=phone, email=email, key=row_key(company_id, normalised))


def _digits(phone: str) -> str:
    return "".join(character for character in phone if character.isdigit())
