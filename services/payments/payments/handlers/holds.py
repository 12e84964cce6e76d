"""Visits being deleted. bookings decides a deletion, but what is paid is payments' to know, and
bookings' copy of it (fed by `bill_changed`) can lag a payment by the time its event takes. So a
caller that may not delete paid visits first holds them here:

1. `hold_for_deletion` writes a hold for each visit and commits it, then reads what each bill has
   paid with the bills' rows locked: a payment being taken on one of them at that moment is waited
   for and counted. A payment locks its bill first and looks for a hold after, so every payment
   either sees the hold (and is refused, 409 naming `appointment_id`) or is counted in the answer.
2. The caller deletes, in bookings, only the visits found unpaid.
3. `end_deletion_holds`: those bookings did not delete are free again at once; those it deleted
   stay held (payments learns of the deletion from bookings' event, and from then on the visit takes
   no payment anyway).

A hold ends by itself after HOLD_SECONDS, longer than any caller waits for bookings (an RPC is not
run once its caller's deadline has passed), so a caller that dies between the steps blocks the
visit's payments for that long at most.
"""

from collections.abc import Sequence
from datetime import timedelta

from payments import repository
from payments.handlers.common import now
from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict

HOLD_SECONDS = 60
DELETED_HOLD = timedelta(days=1)  # the deletion's event comes long before


def hold_for_deletion(uow: UnitOfWork, company_id: int, appointment_ids: Sequence[int]) -> dict[int, int]:
    """{appointment_id: what its bill has paid} (0 for a visit without a bill), the visits held."""
    wanted = sorted(set(appointment_ids))
    moment = now()
    with uow:
        repository.forget_ended_holds(uow.session, company_id, moment)
        repository.hold(uow.session, company_id, wanted, moment + timedelta(seconds=HOLD_SECONDS))
        uow.commit()
    with uow:
        paid = repository.paid_amounts(uow.session, company_id, wanted)
        if found_paid := [appointment_id for appointment_id, amount in paid.items() if amount > 0]:
            repository.release(uow.session, company_id, found_paid)  # not to be deleted by this caller
        uow.commit()
    return {appointment_id: paid.get(appointment_id, 0) for appointment_id in wanted}


def end_deletion_holds(uow: UnitOfWork, company_id: int, deleted: Sequence[int], kept: Sequence[int]) -> None:
    """The visits bookings did not delete take payments again; those it deleted take none until
    their deletion reaches the bill."""
    with uow:
        if kept:
            repository.release(uow.session, company_id, sorted(set(kept)))
        if deleted:
            repository.hold(uow.session, company_id, sorted(set(deleted)), now() + DELETED_HOLD)
        uow.commit()


def require_not_held(session, company_id: int, appointment_id: int) -> None:
    """Conflict naming `appointment_id` while the visit is being deleted (its bill's row is locked)."""
    until = repository.held_until(session, company_id, appointment_id)
    if until is not None and until > now():
        raise Conflict.field("appointment_id", "The visit is being deleted; it takes no payments.")
