"""Writing .xlsx exports as a stream (`xlsx_stream`): rows are written as they come, never held all at
once, and no cell can run as a formula (see `formulas`).

The bookings export has the import's 13 columns, so that it can be imported again, then its own.
"""

import contextlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from imports.domain.bookings_sheet import (
    BOOKING_COLUMNS,
    EXPORT_ONLY_COLUMNS,
    PRICE_SEPARATOR,
    SERVICE_NAME_SEPARATOR,
)
from imports.domain.formulas import neutralise
from imports.domain.visit_status import BY_CODE
from imports.domain.xlsx_stream import write_workbook

BOOKINGS_EXPORT_COLUMNS = BOOKING_COLUMNS + EXPORT_ONLY_COLUMNS
DATE_TIME_FORMAT = "dd.mm.yyyy hh:mm"


@dataclass(frozen=True)
class ExportedBooking:
    starts_at: datetime  # local wall-clock time, naive
    staff_member_id: int
    phone: str
    client_name: str
    staff_member_name: str
    duration_minutes: int
    service_ids: Sequence[int]
    service_names: Sequence[str]
    prices: Sequence[int]  # minor units, one per service
    discount: int  # minor units
    comment: str
    visit_status: str  # "no_show", "pending", "arrived" or "confirmed"
    created_at: datetime  # local wall-clock time, naive
    created_by: str
    source: str
    payment_status: str
    deleted: bool


def write_sheet(
    target: str | BinaryIO, header: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Export"
) -> int:
    """Write a one-sheet workbook to a path or a binary stream; returns the number of rows written.
    Cells may be text, whole numbers, Decimals, booleans, naive datetimes or None. A path is removed
    again if writing fails, so no half-written file is left."""
    cells = ([_cell(value) for value in row] for row in rows)
    try:
        return write_workbook(target, neutralise(title), DATE_TIME_FORMAT, [neutralise(name) for name in header], cells)
    except BaseException:
        if isinstance(target, str):
            with contextlib.suppress(OSError):
                os.remove(target)
        raise


def write_bookings(target: str | BinaryIO, bookings: Iterable[ExportedBooking]) -> int:
    return write_sheet(target, BOOKINGS_EXPORT_COLUMNS, (booking_cells(booking) for booking in bookings), "Bookings")


def booking_cells(booking: ExportedBooking) -> list[object]:
    status = BY_CODE[booking.visit_status]
    return [
        booking.starts_at,
        booking.staff_member_id,
        _seed_phone(booking.phone),
        booking.client_name,
        booking.staff_member_name,
        booking.duration_minutes * 60,
        ",".join(str(service_id) for service_id in booking.service_ids),
        SERVICE_NAME_SEPARATOR.join(booking.service_names),
        PRICE_SEPARATOR.join(_amount_text(price) for price in booking.prices),
        _amount(booking.discount),
        booking.comment,
        status.number,
        status.text,
        booking.created_at,
        booking.created_by,
        booking.source,
        booking.visit_status,
        booking.payment_status,
        "Yes" if booking.deleted else "No",
    ]


def _cell(value: object) -> object:
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise ValueError("export local wall-clock times, naive: Excel has no time zones")
    if value is None or isinstance(value, bool | int | Decimal | datetime):
        return value
    raise TypeError(f"cannot export a {type(value).__name__}")


def _seed_phone(phone: str) -> str:
    """E.164 without its plus, as the import's example gives it (12123445678), so it is no formula trigger."""
    return phone[1:] if phone.startswith("+") and phone[1:].isdigit() else phone


def _amount(minor_units: int) -> Decimal:
    return Decimal(minor_units) / 100


def _amount_text(minor_units: int) -> str:
    return f"{minor_units // 100}.{minor_units % 100:02d}"
