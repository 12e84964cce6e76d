"""The bookings service's own metrics (its workers' timings come from salon_infra.nameko)."""

from prometheus_client import Counter

from bookings.domain.appointments import SOURCES
from bookings.imports import IMPORT_SOURCE
from salon_infra.metrics import Children

APPOINTMENT, SEAT = "appointment", "seat"

BOOKINGS = Counter(
    "salon_bookings",
    "Appointments booked, by how (source: widget, admin, mobile, import, api) and kind (appointment, or a "
    "seat of a group event); a replayed Idempotency-Key is not counted again",
    ["source", "kind"],
)
_bookings = Children(BOOKINGS)
for _source in SOURCES:  # every series from zero, so a rate over the first booking is right
    for _kind in (APPOINTMENT, SEAT):
        _bookings(_source, _kind)


def count_booking(booked, kind: str) -> None:
    """One booking made (an appointments.Booked); a replay made nothing new."""
    if not booked.replayed:
        _bookings(booked.appointment.source, kind).inc()


def count_imported(result: dict) -> None:
    """An import's answer: its `created` appointments."""
    if created := result.get("created"):
        _bookings(IMPORT_SOURCE, APPOINTMENT).inc(created)
