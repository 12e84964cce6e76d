"""What the payments use cases share: the clock, and a bill's row locked for one change."""

from collections.abc import Callable
from datetime import UTC, datetime

GetAppointment = Callable[[int, int], dict]
"""bookings.get_appointment(company_id, appointment_id) -> the appointment, as bookings dumps it"""


def now() -> datetime:
    return datetime.now(UTC)
