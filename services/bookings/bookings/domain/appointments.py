"""Rules about booking that need neither a database nor a broker: where bookings come from, whom
"any specialist" gives a booking to, what a retry is, and when a client may still change theirs."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bookings.domain.model import ServiceLine

SOURCES = ("widget", "admin", "mobile", "import", "api")
ONLINE_SOURCES = frozenset({"widget", "api"})
OFFLINE_SOURCES = frozenset(SOURCES) - ONLINE_SOURCES

# Visit statuses with the numbers the seed's Excel import uses.
VISIT_STATUS_CODES = {"no_show": -1, "pending": 0, "arrived": 1, "confirmed": 2}


@dataclass(frozen=True)
class Quote:
    """What scheduling says one staff member's appointment would be."""

    staff_member_id: int
    starts_at: datetime
    ends_at: datetime
    services: tuple[ServiceLine, ...]
    prepayment_required: bool = False


def checks_working_hours(source: str) -> bool:
    """Clients booking online get only times inside working hours and on the slot grid.
    Staff (admin, mobile) may book outside them, and imports carry history as it was."""
    return source in ONLINE_SOURCES


def overlaps(start: datetime, end: datetime, other_start: datetime, other_end: datetime) -> bool:
    return start < other_end and other_start < end


def fair_order(candidates: Sequence[int], appointments_that_day: Mapping[int, int]) -> list[int]:
    """For "any specialist": the least booked first; the caller's order breaks ties."""
    position = {staff_member_id: index for index, staff_member_id in enumerate(candidates)}
    return sorted(candidates, key=lambda staff_id: (appointments_that_day.get(staff_id, 0), position[staff_id]))


def request_fingerprint(request: Mapping) -> str:
    """Identifies a create request, so a reused idempotency key with other content is caught."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def client_change_problem(starts_at: datetime, now: datetime, cutoff_minutes: int) -> str | None:
    """Why a client may no longer reschedule or cancel through their link, or None while they may."""
    if starts_at <= now:
        return "This appointment has already started."
    if starts_at - now < timedelta(minutes=cutoff_minutes):
        hours, minutes = divmod(cutoff_minutes, 60)
        notice = " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)
        return f"Online changes close {notice} before the appointment; please call the salon."
    return None
