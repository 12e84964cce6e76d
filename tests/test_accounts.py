"""Signing up and signing in are the accounts service's: hashing passwords there cannot stall
scheduling (issue 11, fault 2; bench/login_flood.py measures slot search during a flood)."""

import time
from datetime import date, timedelta

from support.salon import OWNER_PASSWORD, next_weekday

DAY = next_weekday(2, after=date.today() + timedelta(days=2))


def test_with_accounts_stopped_signing_in_is_a_quick_503_while_slot_search_answers(cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Cut", 60, ["Anna"])
    login = {"company_id": salon.company_id, "email": salon.owner_email, "password": OWNER_PASSWORD}
    assert salon.public.ok("POST", "/api/v1/auth/login", login)["user"]["role"] == "owner"
    cluster.stop_one("accounts")
    try:
        started = time.monotonic()
        answer = salon.public.post("/api/v1/auth/login", login)
        assert answer.status_code == 503 and time.monotonic() - started < 10
        assert salon.starts(["Cut"], DAY)  # scheduling never hashed a password
    finally:
        cluster.start_one("accounts")
    assert salon.public.ok("POST", "/api/v1/auth/login", login)
