"""When a visit starts and how long it takes, as the bookings sheet gives them.

Times are the company's local wall-clock time; the caller converts them with the company's time zone.
"""

import math
import re
from datetime import date, datetime, time, timedelta

from imports.domain.cells import CellError, is_empty, number
from salon_infra.validation import FIRST_DAY, LAST_DAY, day_in_range

DURATION_STEP_MINUTES = 15  # a visit lasts whole quarters of an hour
DEFAULT_DURATION_MINUTES = 15
MAX_DURATION_SECONDS = 24 * 3600

_DATE_TIME = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})")


def local_start(value: object) -> datetime:
    """A date-and-time cell, or text such as "04.01.2016 10:30" (day.month.year hours:minutes)."""
    if isinstance(value, datetime):
        return _in_range(value.replace(tzinfo=None))
    if isinstance(value, date | time) or is_empty(value) or not isinstance(value, str):
        raise CellError("expected a date and time such as 04.01.2016 10:30")
    match = _DATE_TIME.fullmatch(value.strip())
    if match is None:
        raise CellError("expected a date and time such as 04.01.2016 10:30")
    day, month, year, hour, minute = (int(part) for part in match.groups())
    try:
        moment = datetime(year, month, day, hour, minute)
    except ValueError:
        raise CellError(f"{value.strip()!r} is not a real date and time") from None
    return _in_range(moment)


def _in_range(moment: datetime) -> datetime:
    """Within the dates every service takes (salon_infra.validation), so that rounding to a slot
    and moving to UTC never leave the calendar."""
    if not day_in_range(moment.date()):
        raise CellError(f"must be a date from {FIRST_DAY:%d.%m.%Y} to {LAST_DAY:%d.%m.%Y}")
    return moment


def round_to_slot(moment: datetime, slot_minutes: int) -> datetime:
    """The nearest time on the company's grid of slots, counted from midnight; halfway rounds up."""
    if slot_minutes < 1:
        raise ValueError("slot_minutes must be positive")
    midnight = datetime.combine(moment.date(), time())
    slot = timedelta(minutes=slot_minutes)
    slots = (moment - midnight + slot / 2) // slot
    return midnight + slots * slot


def duration_minutes(value: object) -> int:
    """A duration in seconds, rounded up to whole quarters of an hour; 15 minutes when empty."""
    if is_empty(value):
        return DEFAULT_DURATION_MINUTES
    try:
        seconds = number(value)
    except CellError:
        raise CellError("expected a number of seconds, such as 3600") from None
    if seconds <= 0:
        raise CellError("must be positive")
    if seconds > MAX_DURATION_SECONDS:
        raise CellError("is longer than a day")
    return math.ceil(seconds / (DURATION_STEP_MINUTES * 60)) * DURATION_STEP_MINUTES
