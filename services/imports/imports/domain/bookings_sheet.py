"""The bookings sheet: one visit per row, in the columns of the salon's Excel upload, in this order.

 1 Date                       "04.01.2016 10:30" or a date-and-time cell: local time, rounded to the nearest slot
 2 Employee ID                an existing staff member's id; may be empty when column 5 names one
 3 Customer phone number      required: digits such as 12123445678, as text or a number cell
 4 Client name                required
 5 Employee name              as in Settings > Staff; must fit column 2 when both are given
 6 Duration                   seconds, rounded up to whole 15 minutes; empty: 15 minutes
 7 Service ID                 existing services' ids, separated by "," or "##"
 8 Name of service            existing services' names, separated by "##"; must fit column 7 when both are given
 9 Price of service           one amount per service, separated by "#" (0 where only a total is known)
10 Discount on the service    an amount; 0 when empty; at most the prices together
11 Comment                    free text
12 Booking status (number)    -1 No-Show, 0 Pending, 1 Arrived, 2 Confirmed
13 Appointment status (line)  exactly No-Show, Pending, Arrived or Confirmed; must fit column 12

Either column 7 or column 8 must name the services. Both status columns empty: Pending. Amounts have at
most 2 decimals and become minor units. An export's own columns (Created at, ...) may follow; they are
not read.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from imports.domain import cells
from imports.domain.catalogue import Catalogue
from imports.domain.columns import Layout, ParsedSheet, RowCells, parse_sheet, read_sheet
from imports.domain.keys import row_key
from imports.domain.limits import DEFAULT_LIMITS, Limits
from imports.domain.problems import Problem
from imports.domain.visit_status import PENDING, status_by_number, status_by_text
from imports.domain.visit_times import duration_minutes, local_start, round_to_slot
from imports.domain.workbook import SheetRow

DATE = "Date"
EMPLOYEE_ID = "Employee ID"
PHONE = "Customer phone number"
CLIENT_NAME = "Client name"
EMPLOYEE_NAME = "Employee name"
DURATION = "Duration"
SERVICE_ID = "Service ID"
SERVICE_NAME = "Name of service"
PRICE = "Price of service"
DISCOUNT = "Discount on the service"
COMMENT = "Comment"
STATUS_NUMBER = "Booking status (number)"
STATUS_TEXT = "Appointment status (line)"
BOOKING_COLUMNS = (
    DATE, EMPLOYEE_ID, PHONE, CLIENT_NAME, EMPLOYEE_NAME, DURATION, SERVICE_ID,
    SERVICE_NAME, PRICE, DISCOUNT, COMMENT, STATUS_NUMBER, STATUS_TEXT,
)  # fmt: skip
EXPORT_ONLY_COLUMNS = ("Created at", "Created by", "Source", "Visit status", "Payment status", "Deleted")
LAYOUT = Layout(BOOKING_COLUMNS, ignored=EXPORT_ONLY_COLUMNS, record="booking")

SERVICE_ID_SEPARATOR = r",|##"
SERVICE_NAME_SEPARATOR = "##"
PRICE_SEPARATOR = "#"
MAX_NAME_LENGTH = 200
MAX_COMMENT_LENGTH = 1000


@dataclass(frozen=True)
class BookingRow:
    row: int
    starts_at: datetime  # local wall-clock time, naive, on the company's slot grid
    staff_member_id: int
    phone: str  # as given; the caller normalises it to E.164
    client_name: str
    staff_member_name: str  # as the company spells it
    duration_minutes: int
    service_ids: list[int]
    service_names: list[str]  # as the company spells them, one per id
    prices: list[int]  # minor units, one per service; [] when the file gives none
    discount: int  # minor units
    comment: str
    visit_status: str  # "no_show", "pending", "arrived" or "confirmed"
    key: str  # the same booking content in the same company has the same key, in any file


@dataclass(frozen=True)
class BookingsContext:
    company_id: int
    slot_minutes: int  # the company's slot interval; starts are rounded to it
    staff: Catalogue
    services: Catalogue

    def __post_init__(self):
        if self.slot_minutes < 1:
            raise ValueError("slot_minutes must be positive")


def read_bookings(content: bytes, context: BookingsContext, limits: Limits = DEFAULT_LIMITS) -> ParsedSheet[BookingRow]:
    return read_sheet(content, partial(parse_bookings, context=context), limits)


def parse_bookings(
    sheet_rows: Iterable[SheetRow | Problem], context: BookingsContext
) -> Iterator[BookingRow | Problem]:
    return parse_sheet(sheet_rows, LAYOUT, partial(_booking, context=context), identity=lambda booking: booking.key)


def _booking(row: RowCells, context: BookingsContext) -> BookingRow | None:
    starts_at = row.parse(DATE, local_start)
    phone = row.parse(PHONE, cells.phone)
    client_name = row.parse(CLIENT_NAME, cells.text, max_length=MAX_NAME_LENGTH, required=True)
    duration = row.parse(DURATION, duration_minutes)
    staff_member_id = _staff_member(row, context.staff)
    service_ids = _services(row, context.services)
    prices = _prices(row, service_ids)
    discount = _discount(row, prices)
    comment = row.parse(COMMENT, cells.text, max_length=MAX_COMMENT_LENGTH)
    visit_status = _visit_status(row)
    if row.problems:
        return None
    fields = {
        "starts_at": round_to_slot(starts_at, context.slot_minutes),
        "staff_member_id": staff_member_id,
        "phone": phone,
        "client_name": client_name,
        "staff_member_name": context.staff.name_of(staff_member_id),
        "duration_minutes": duration,
        "service_ids": service_ids,
        "service_names": [context.services.name_of(service_id) for service_id in service_ids],
        "prices": prices,
        "discount": discount,
        "comment": comment,
        "visit_status": visit_status,
    }
    return BookingRow(row=row.number, key=_key(context.company_id, fields), **fields)


def _key(company_id: int, fields: dict) -> str:
    normalised = dict(
        fields, starts_at=fields["starts_at"].isoformat(), client_name=cells.comparable(fields["client_name"])
    )
    normalised["phone"] = "".join(character for character in fields["phone"] if character.isdigit())
    del normalised["staff_member_name"], normalised["service_names"]  # they follow from the ids
    return row_key(company_id, normalised)


def _staff_member(row: RowCells, staff: Catalogue) -> int | None:
    staff_member_id = row.parse(EMPLOYEE_ID, _optional_id)
    name = row.parse(EMPLOYEE_NAME, cells.text, max_length=MAX_NAME_LENGTH)
    if row.failed(EMPLOYEE_ID, EMPLOYEE_NAME):
        return None
    if staff_member_id is None:
        if not name:
            row.report(EMPLOYEE_ID, f"is required, or else {EMPLOYEE_NAME}")
            return None
        return _one_named(row, EMPLOYEE_NAME, name, staff, "employee", EMPLOYEE_ID)
    if staff_member_id not in staff:
        row.report(EMPLOYEE_ID, f"there is no employee with ID {staff_member_id}")
        return None
    if name and not staff.is_named(staff_member_id, name):
        row.report(EMPLOYEE_NAME, f"employee {staff_member_id} is {staff.name_of(staff_member_id)!r}, not {name!r}")
    return staff_member_id


def _services(row: RowCells, services: Catalogue) -> list[int] | None:
    ids_given = row.parse(SERVICE_ID, _ids)
    names = row.parse(SERVICE_NAME, cells.items, separator=SERVICE_NAME_SEPARATOR)
    if row.failed(SERVICE_ID, SERVICE_NAME):
        return None
    if not ids_given and not names:
        row.report(SERVICE_ID, f"is required, or else {SERVICE_NAME}")
        return None
    if ids_given and names and len(ids_given) != len(names):
        row.report(SERVICE_NAME, f"names {len(names)} services, but {SERVICE_ID} has {len(ids_given)}")
        return None
    if ids_given:
        return _known_ids(row, ids_given, names, services)
    found = [_one_named(row, SERVICE_NAME, name, services, "service", SERVICE_ID) for name in names]
    return None if None in found else found


def _known_ids(row: RowCells, ids_given: list[int], names: list[str], services: Catalogue) -> list[int] | None:
    unknown = [str(service_id) for service_id in ids_given if service_id not in services]
    if unknown:
        row.report(SERVICE_ID, "there is no service with ID " + ", ".join(unknown))
        return None
    for service_id, name in zip(ids_given, names, strict=False):
        if not services.is_named(service_id, name):
            row.report(SERVICE_NAME, f"service {service_id} is {services.name_of(service_id)!r}, not {name!r}")
    return ids_given


def _one_named(row: RowCells, column: str, name: str, catalogue: Catalogue, kind: str, id_column: str) -> int | None:
    ids = catalogue.ids_named(name)
    if not ids:
        row.report(column, f"there is no {kind} named {name!r}")
        return None
    if len(ids) > 1:
        row.report(column, f"several {kind}s are named {name!r}; give the {id_column}")
        return None
    return ids[0]


def _prices(row: RowCells, service_ids: list[int] | None) -> list[int] | None:
    parts = row.parse(PRICE, cells.items, separator=PRICE_SEPARATOR)
    if parts is None:
        return None
    prices = []
    for part in parts:
        try:
            prices.append(cells.money(part))
        except cells.CellError as error:
            row.report(PRICE, f"{part!r} {error}")
            return None
    if prices and service_ids is not None and len(prices) != len(service_ids):
        row.report(
            PRICE, f"has {len(prices)} prices for {len(service_ids)} services; put 0 where only a total is known"
        )
        return None
    return prices


def _discount(row: RowCells, prices: list[int] | None) -> int | None:
    discount = row.parse(DISCOUNT, cells.money_or_zero)
    if discount and prices and discount > sum(prices):
        row.report(DISCOUNT, "is more than the prices together")
    return discount


def _visit_status(row: RowCells) -> str | None:
    by_number = row.parse(STATUS_NUMBER, status_by_number)
    by_text = row.parse(STATUS_TEXT, status_by_text)
    if by_number and by_text and by_number != by_text:
        row.report(STATUS_TEXT, f"is {by_text.text}, but {STATUS_NUMBER} {by_number.number} is {by_number.text}")
    return (by_number or by_text or PENDING).code


def _optional_id(value: object) -> int | None:
    return None if cells.is_empty(value) else cells.record_id(value)


def _ids(value: object) -> list[int]:
    ids = []
    for part in cells.items(value, SERVICE_ID_SEPARATOR):
        try:
            ids.append(cells.record_id(part))
        except cells.CellError:
            raise cells.CellError(f"{part!r} is not a service ID; separate IDs with ',' or '##'") from None
    return ids
