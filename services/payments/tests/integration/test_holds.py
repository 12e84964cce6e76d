"""Visits being deleted by someone who may not delete paid ones (handlers/holds.py), on real PostgreSQL:
what is paid is read after the visits are held, so a payment either lands before and is counted, or
comes after and is refused; never paid and reported unpaid. Real threads race the two."""

import random
import time

import pytest
from payments_api import OWNER, key, rpc, till
from test_races import at_once, on_a_worker

from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict

ROUNDS = 20


@pytest.fixture
def api(uow, bookings, scheduling):
    return rpc(uow, bookings, scheduling)


@pytest.fixture
def shop(api, company_id):
    return till(api, company_id)


def cash(appointment_id, amount=None) -> dict:
    payment = {"method": "cash", "idempotency_key": key(), "actor_id": OWNER}
    return payment if amount is None else {**payment, "amount": amount}


def test_a_held_visit_takes_no_payment_until_bookings_kept_it(api, bookings, company_id, shop):
    paid, unpaid, unknown = bookings.book(company_id, 3000), bookings.book(company_id, 2000), 999_999_999
    api.take_payment(company_id, paid["id"], cash(paid["id"], 1000))
    api.get_bill(company_id, unpaid["id"])
    held = api.hold_for_deletion(company_id, {"appointment_ids": [paid["id"], unpaid["id"], unknown]})
    assert held == {"paid": {str(paid["id"]): 1000, str(unpaid["id"]): 0, str(unknown): 0}}
    api.take_payment(company_id, paid["id"], cash(paid["id"], 500))  # found paid: not to be deleted, not held
    with pytest.raises(Conflict) as refused:
        api.take_payment(company_id, unpaid["id"], cash(unpaid["id"]))
    assert "being deleted" in refused.value.errors["appointment_id"][0]
    api.end_deletion_holds(company_id, {"kept": [unpaid["id"]], "deleted": []})
    assert api.take_payment(company_id, unpaid["id"], cash(unpaid["id"]))["payment"]["amount"] == 2000


def test_a_visit_bookings_deleted_stays_held_until_its_deletion_reaches_the_bill(api, bookings, company_id, shop):
    visit = bookings.book(company_id, 3000)
    api.hold_for_deletion(company_id, {"appointment_ids": [visit["id"]]})
    api.end_deletion_holds(company_id, {"deleted": [visit["id"]]})
    with pytest.raises(Conflict) as refused:
        api.take_payment(company_id, visit["id"], cash(visit["id"]))
    assert "appointment_id" in refused.value.errors
    with pytest.raises(Exception) as refused:
        api.hold_for_deletion(company_id, {"appointment_ids": []})
    assert "appointment_ids" in str(refused.value)


@pytest.mark.parametrize("bill_first", [True, False], ids=["bill-open", "first-payment-opens-the-bill"])
def test_a_payment_racing_a_hold_is_either_counted_or_refused(sessions, bookings, scheduling, company_id, bill_first):
    def worker():
        return rpc(UnitOfWork(sessions), bookings, scheduling)

    till(worker(), company_id)
    outcomes = {"counted": 0, "refused": 0}
    for _ in range(ROUNDS):
        visit = bookings.book(company_id, 3000)
        if bill_first:
            worker().get_bill(company_id, visit["id"])
        lag = random.uniform(0, 0.03)  # the hold a little later each round: every interleaving gets its turn

        def hold_later(visit=visit, lag=lag):
            time.sleep(lag)
            return worker().hold_for_deletion(company_id, {"appointment_ids": [visit["id"]]})

        paid, held = at_once(
            on_a_worker(worker, "take_payment", company_id, visit["id"], cash(visit["id"])), hold_later
        )
        assert held[1] is None, held
        reported = held[0]["paid"][str(visit["id"])]
        if paid[1] is None:
            assert reported == 3000, "a payment was taken but the visit was reported unpaid"
            outcomes["counted"] += 1
        else:
            assert isinstance(paid[1], Conflict) and "appointment_id" in paid[1].errors and reported == 0
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == ROUNDS
