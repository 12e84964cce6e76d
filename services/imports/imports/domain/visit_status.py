"""A visit's status: as the bookings sheet numbers it and spells it, and as the platform names it."""

from dataclasses import dataclass

from imports.domain.cells import CellError, is_empty, whole_number


@dataclass(frozen=True)
class VisitStatus:
    code: str  # the platform's visit_status
    number: int  # column "Booking status (number)"
    text: str  # column "Appointment status (line)", spelled exactly so


STATUSES = (
    VisitStatus("no_show", -1, "No-Show"),
    VisitStatus("pending", 0, "Pending"),
    VisitStatus("arrived", 1, "Arrived"),
    VisitStatus("confirmed", 2, "Confirmed"),
)
PENDING = STATUSES[1]
BY_CODE = {status.code: status for status in STATUSES}
_BY_NUMBER = {status.number: status for status in STATUSES}
_BY_TEXT = {status.text: status for status in STATUSES}


def status_by_number(value: object) -> VisitStatus | None:
    if is_empty(value):
        return None
    try:
        return _BY_NUMBER[whole_number(value)]
    except (CellError, KeyError):
        raise CellError("expected -1 (No-Show), 0 (Pending), 1 (Arrived) or 2 (Confirmed)") from None


def status_by_text(value: object) -> VisitStatus | None:
    if is_empty(value):
        return None
    if not isinstance(value, str) or value.strip() not in _BY_TEXT:
        raise CellError("expected exactly No-Show, Pending, Arrived or Confirmed")
    return _BY_TEXT[value.strip()]
