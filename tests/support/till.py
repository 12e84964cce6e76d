"""Money taken for a visit through its checkout (the payments service), as system tests outside the
checkout's own need it: a cash desk of each kind set up first, an Idempotency-Key, and the wait until
bookings' copy of the bill (payments' bill_changed event) shows what was paid."""

import time

from support.api import new_key


def take_payment(salon, appointment_id: int, amount: int | None = None, method: str = "cash") -> dict:
    """{payment, bill, replayed}; no amount pays all that is due."""
    if not getattr(salon, "has_till", False):
        kinds = {desk["kind"] for desk in salon.api.ok("GET", "/api/v1/cash-desks")}
        for title, kind in (("Till", "cash"), ("Card terminal", "non_cash")):
            if kind not in kinds:
                salon.api.ok("POST", "/api/v1/cash-desks", {"title": title, "kind": kind})
        salon.has_till = True
    body = {"method": method, **({"amount": amount} if amount is not None else {})}
    path = f"/api/v1/appointments/{appointment_id}/payments"
    answer = salon.api.ok("POST", path, body, headers={"Idempotency-Key": new_key()})
    wait_until_bookings_shows(salon, appointment_id, answer["bill"]["paid"])
    return answer


def wait_until_bookings_shows(salon, appointment_id: int, paid: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while salon.api.ok("GET", f"/api/v1/appointments/{appointment_id}")["paid_amount"] != paid:
        assert time.monotonic() < deadline, "bookings never heard of the payment"
        time.sleep(0.05)
