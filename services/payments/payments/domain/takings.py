"""A day's takings: the live payments taken in the salon's local day, by cash desk and by method.

Gift cards and memberships take no cash (they pay from what was sold before), so they count by
method only; money carried over from before payments took over was not taken that day at all.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from payments.domain.model import CARRIED_OVER, CashDesk, Payment


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local day as UTC instants: 23 or 25 hours on a DST change day."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


@dataclass
class Takings:
    by_cash_desk: list[dict] = field(default_factory=list)  # {cash_desk_id, title, kind, amount, payments}
    by_method: list[dict] = field(default_factory=list)  # {method, amount, payments}
    total: int = 0
    deleted: dict = field(default_factory=lambda: {"amount": 0, "payments": 0})


def summarise(payments: Sequence[Payment], desks: Sequence[CashDesk]) -> Takings:
    """Every desk of the company is listed (at zero if it took nothing), then each method used."""
    takings = Takings()
    desk_rows = {desk.id: {"cash_desk_id": desk.id, "title": desk.title, "kind": desk.kind, "amount": 0,
                           "payments": 0} for desk in desks}  # fmt: skip
    methods: dict[str, dict] = {}
    for payment in payments:
        if payment.method == CARRIED_OVER:
            continue
        if not payment.live:
            takings.deleted["amount"] += payment.amount
            takings.deleted["payments"] += 1
            continue
        if payment.cash_desk_id in desk_rows:
            desk_rows[payment.cash_desk_id]["amount"] += payment.amount
            desk_rows[payment.cash_desk_id]["payments"] += 1
        row = methods.setdefault(payment.method, {"method": payment.method, "amount": 0, "payments": 0})
        row["amount"] += payment.amount
        row["payments"] += 1
        takings.total += payment.amount
    takings.by_cash_desk = list(desk_rows.values())
    takings.by_method = sorted(methods.values(), key=lambda row: row["method"])
    return takings
