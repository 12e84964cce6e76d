"""A day's takings: by cash desk and by method, in the salon's local day (DST days too)."""

from datetime import date, timedelta

from bills_to_test import NOW, desks

from payments.domain.model import CARRIED_OVER, Payment
from payments.domain.takings import day_bounds, summarise

TILL, TERMINAL = desks()


def test_a_local_day_is_23_or_25_hours_on_a_dst_change_day():
    start, end = day_bounds(date(2027, 3, 28), "Europe/Berlin")
    assert end - start == timedelta(hours=23) and start.hour == 23  # 00:00 CET is 23:00 UTC the day before
    start, end = day_bounds(date(2027, 10, 31), "Europe/Berlin")
    assert end - start == timedelta(hours=25)


def test_takings_by_desk_and_by_method_leave_out_deleted_and_carried_over_money():
    payments = [
        Payment(1, "cash", 1000, NOW, cash_desk_id=TILL.id),
        Payment(1, "cash", 500, NOW, cash_desk_id=TILL.id),
        Payment(1, "card", 2500, NOW, cash_desk_id=TERMINAL.id),
        Payment(1, "gift_card", 700, NOW, gift_card_id=9),
        Payment(1, "card", 9999, NOW, cash_desk_id=TERMINAL.id, deleted_at=NOW),
        Payment(1, CARRIED_OVER, 4000, NOW),
    ]
    found = summarise(payments, [TILL, TERMINAL])
    assert [(row["title"], row["amount"], row["payments"]) for row in found.by_cash_desk] == [
        ("Till", 1500, 2), ("Card terminal", 2500, 1),
    ]  # fmt: skip
    assert [(row["method"], row["amount"]) for row in found.by_method] == [("card", 2500), ("cash", 1500),
                                                                         ("gift_card", 700)]  # fmt: skip
    assert found.total == 4700 and found.deleted == {"amount": 9999, "payments": 1}
