"""A day's takings in the salon's local day: the money taken, by cash desk and by method, and apart
from it what gift cards and memberships redeemed.

- **Money** is cash and card: what went into the cash desks. Gift cards and memberships take no
  money that day (they were paid for when they were sold, in money counted then), so they are
  **redemptions**, reported on their own and never added to the money: a card bought for 50 in
  cash and spent the same day is 50 of money, not 100.
- **A closed day never changes.** A payment counts on the day it was taken, even if it is deleted
  later; its deletion is a negative entry on the day it was deleted (the money given back then).
  A payment taken and deleted the same day adds up to nothing that day.
- Money carried over from before payments took over was not taken on any day here: left out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from payments.domain.model import CARD, CASH, GIFT_CARD, MEMBERSHIP, CashDesk, Payment
from salon_infra.errors import InvalidInput

MONEY = (CASH, CARD)
REDEMPTIONS = (GIFT_CARD, MEMBERSHIP)


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local day as UTC instants: 23 or 25 hours on a DST change day. InvalidInput
    naming `date` for a day whose bounds fall outside what a date can hold (year 1 or 9999)."""
    zone = ZoneInfo(timezone)
    try:
        start = datetime.combine(day, time(0), zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    except OverflowError:
        raise InvalidInput.field("date", "Out of range: choose a day from 0002-01-01 to 9998-12-31.") from None
    return start, end


def _row(**identity) -> dict:
    return {**identity, "taken": 0, "deleted": 0, "amount": 0, "payments": 0, "deletions": 0}


@dataclass
class Takings:
    total: int = 0  # money: taken less deleted
    money: dict = field(default_factory=_row)  # {taken, deleted, amount, payments, deletions}
    by_cash_desk: list[dict] = field(default_factory=list)  # {cash_desk_id, title, kind, taken, deleted, amount, ...}
    by_method: list[dict] = field(default_factory=list)  # cash and card: {method, taken, deleted, amount, ...}
    redemptions: dict = field(default_factory=lambda: {**_row(), "by_method": []})  # gift cards, memberships
    deletions: list[dict] = field(default_factory=list)  # the day's negative entries


def _add(row: dict, amount: int, taken: bool) -> None:
    if taken:
        row["taken"] += amount
        row["payments"] += 1
    else:
        row["deleted"] += amount
        row["deletions"] += 1
    row["amount"] = row["taken"] - row["deleted"]


def summarise(payments: Sequence[Payment], desks: Sequence[CashDesk], start: datetime, end: datetime) -> Takings:
    """The payments taken or deleted in [start, end): each taken one counts plus, each deleted one
    minus. Every desk of the company is listed (at zero if it took nothing), then cash and card, and
    the redemptions by method."""
    takings = Takings()
    desk_rows = {desk.id: _row(cash_desk_id=desk.id, title=desk.title, kind=desk.kind) for desk in desks}
    methods = {method: _row(method=method) for method in MONEY}
    redeemed: dict[str, dict] = {}
    for payment in payments:
        if payment.method not in MONEY and payment.method not in REDEMPTIONS:
            continue  # carried over
        events = []
        if start <= payment.taken_at < end:
            events.append(True)
        if payment.deleted_at is not None and start <= payment.deleted_at < end:
            events.append(False)
            takings.deletions.append({
                "payment_id": payment.id, "method": payment.method, "amount": -payment.amount,
                "cash_desk_id": payment.cash_desk_id, "taken_at": payment.taken_at,
                "deleted_at": payment.deleted_at, "deleted_by_id": payment.deleted_by_id,
            })  # fmt: skip
        for taken in events:
            if payment.method in MONEY:
                _add(takings.money, payment.amount, taken)
                _add(methods[payment.method], payment.amount, taken)
                if payment.cash_desk_id in desk_rows:
                    _add(desk_rows[payment.cash_desk_id], payment.amount, taken)
            else:
                _add(takings.redemptions, payment.amount, taken)
                _add(redeemed.setdefault(payment.method, _row(method=payment.method)), payment.amount, taken)
    takings.total = takings.money["amount"]
    takings.by_cash_desk = list(desk_rows.values())
    takings.by_method = [row for row in methods.values() if row["payments"] or row["deletions"]]
    takings.redemptions["by_method"] = sorted(redeemed.values(), key=lambda row: row["method"])
    takings.deletions.sort(key=lambda entry: (entry["deleted_at"], entry["payment_id"] or 0))
    return takings
