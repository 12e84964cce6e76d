"""What occupies a staff member's time, as copied from the bookings service's records.

Bookings owns three kinds of record that may: appointments, group events and breaks. Their
ids come from three tables, so a copy is known by (kind, id). Each record carries a version
that grows with every change; a copy only ever moves to a higher one.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

APPOINTMENT, GROUP_EVENT, BREAK = "appointment", "group_event", "break"
KINDS = (APPOINTMENT, GROUP_EVENT, BREAK)

LONGEST_APPOINTMENT = timedelta(days=7)
"""Appointments and group events are looked up by start time; none lasts longer (bookings allows 24 hours)."""
LONGEST_BREAK = timedelta(days=31)
"""Breaks are looked up by start time too; bookings lets one last at most 31 days."""

BOOKED = "booked"  # an appointment's or a group event's live state
ACTIVE = "active"  # a break's


@dataclass(frozen=True)
class BusyCopy:
    """One record of the bookings service as this service keeps it: busy while `active`."""

    kind: str
    source_id: int
    staff_member_id: int
    starts_at: datetime
    ends_at: datetime
    version: int
    active: bool


def appointment_copy(appointment: Mapping) -> BusyCopy:
    """A booked appointment is busy, unless it is a seat of a group event: the event occupies the time."""
    busy = appointment["state"] == BOOKED and appointment.get("group_event_id") is None
    return _copy(APPOINTMENT, appointment, busy)


def group_event_copy(group_event: Mapping) -> BusyCopy:
    return _copy(GROUP_EVENT, group_event, group_event["state"] == BOOKED)


def break_copy(break_: Mapping) -> BusyCopy:
    return _copy(BREAK, break_, break_["state"] == ACTIVE)


def _copy(kind: str, record: Mapping, active: bool) -> BusyCopy:
    return BusyCopy(
        kind,
        record["id"],
        record["staff_member_id"],
        record["starts_at"],
        record["ends_at"],
        record["version"],
        active,
    )
