"""Workbooks made in the tests: with openpyxl for honest files, by hand for hostile ones."""

import io
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from imports.domain.bookings_sheet import BOOKING_COLUMNS, BookingsContext
from imports.domain.catalogue import Catalogue

MARIA, IVAN = 11, 12
CUT, COLOUR, SHAVE = 21, 22, 23
STAFF = Catalogue({MARIA: "Maria Petrova", IVAN: "Ivan Sidorov"})
SERVICES = Catalogue({CUT: "Haircut", COLOUR: "Colouring", SHAVE: "Shave"})
CONTEXT = BookingsContext(company_id=501, slot_minutes=15, staff=STAFF, services=SERVICES)

SHEET_XML = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def booking(**changes) -> list[object]:
    """A valid row of the bookings sheet, by column name with spaces as underscores."""
    cells = {
        "Date": "04.01.2016 10:30",
        "Employee ID": MARIA,
        "Customer phone number": "12123445678",
        "Client name": "Anna Smirnova",
        "Employee name": "Maria Petrova",
        "Duration": 3600,
        "Service ID": str(CUT),
        "Name of service": "Haircut",
        "Price of service": "25.50",
        "Discount on the service": None,
        "Comment": "",
        "Booking status (number)": 0,
        "Appointment status (line)": "Pending",
    }
    for key, value in changes.items():
        cells[_column(key)] = value
    return [cells[column] for column in BOOKING_COLUMNS]


def bookings_file(*rows: list[object]) -> bytes:
    return xlsx([BOOKING_COLUMNS, *rows])


def _column(key: str) -> str:
    names = {
        column.replace(" ", "_").replace("(", "").replace(")", "").casefold(): column for column in BOOKING_COLUMNS
    }
    return names[key.casefold()]


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return stream.getvalue()


def with_part(content: bytes, name: str, replacement: bytes) -> bytes:
    """The workbook with one of its parts replaced, as an attacker would craft it."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    members[name] = replacement
    return zip_of(members)


def sheet_xml(rows_xml: str, doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows_xml}</sheetData></worksheet>'
    ).encode()


def inline_row(number: int, *texts: str) -> str:
    cells = "".join(
        f'<c r="{chr(ord("A") + index)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for index, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'
