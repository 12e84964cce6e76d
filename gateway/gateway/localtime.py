"""The salon's local day, for queries that speak in dates."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends: 23 or 25 hours apart on DST change days."""
    zone = ZoneInfo(timezone)
    return datetime.combine(day, time(), zone), datetime.combine(day + timedelta(days=1), time(), zone)
