"""Rules about appointments that need neither a database nor a broker."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

SOURCES = ("widget", "admin", "mobile", "import", "api")
ONLINE_SOURCES = frozenset({"widget", "api"})
OFFLINE_SOURCES = frozenset(SOURCES) - ONLINE_SOURCES

# Visit statuses with the numbers the seed's Excel import uses.
VISIT_STATUS_CODES = {"no_show": -1, "pending": 0, "arrived": 1, "confirmed": 2}

BOOKED, CANCELLED, DELETED = "booked", "cancelled", "deleted"
NOT_PAID, PARTLY_PAID, PAID = "not_paid", "partly_paid", "paid"
MANUAL_REFUND = "manual_refund_required"


@dataclass(frozen=True)
class ServiceLine:
    service_id: int
    title: str
    duration_minutes: int
    price: int  # minor units of the company's currency
    category_id: int | None = None


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


def state_of(cancelled_at: datetime | None, deleted_at: datetime | None) -> str:
    if deleted_at is not None:
        return DELETED
    return CANCELLED if cancelled_at is not None else BOOKED


class Deletable(Protocol):
    deleted_at: datetime | None
    paid_amount: int
    visit_status: str


def deletion_problem(appointment: Deletable | None, *, may_delete_paid: bool, may_delete_arrived: bool) -> str | None:
    """Why a user may not delete this booking, or None when they may. Deleting is for good:
    a deleted booking cannot come back, so one already deleted is reported, not deleted again."""
    if appointment is None:
        return "not found"
    if appointment.deleted_at is not None:
        return "already deleted"
    if appointment.paid_amount > 0 and not may_delete_paid:
        return "paid: you may not delete paid bookings"
    if appointment.visit_status == "arrived" and not may_delete_arrived:
        return "arrived: you may not delete bookings whose client has arrived"
    return None


def payment_status(total_price: int, paid_amount: int) -> str:
    if paid_amount <= 0:
        return PAID if total_price == 0 else NOT_PAID
    return PAID if paid_amount >= total_price else PARTLY_PAID


def refund_on_cancel(paid_amount: int) -> str | None:
    """Cancelling never refunds by itself: money paid is left for an administrator to refund by hand."""
    return MANUAL_REFUND if paid_amount > 0 else None


def client_change_problem(starts_at: datetime, now: datetime, cutoff_minutes: int) -> str | None:
    """Why a client may no longer reschedule or cancel through their link, or None while they may."""
    if starts_at <= now:
        return "This appointment has already started."
    if starts_at - now < timedelta(minutes=cutoff_minutes):
        hours, minutes = divmod(cutoff_minutes, 60)
        notice = " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)
        return f"Online changes close {notice} before the appointment; please call the salon."
    return None
