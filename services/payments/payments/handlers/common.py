"""What the payments use cases share: the clock, the callers' look-ups, the Idempotency-Key, and a
change done again when the ledger shows one of its reversals made already."""

from collections.abc import Callable
from datetime import UTC, datetime

from payments import repository
from payments.domain import idempotency
from salon_infra.errors import Conflict

GetAppointment = Callable[[int, int], dict]
"""bookings.get_appointment(company_id, appointment_id) -> the appointment, as bookings dumps it"""

CheckStaffMember = Callable[[int, int], None]
"""Raises InvalidInput naming `staff_member_id` unless it is an active staff member of the company."""


def now() -> datetime:
    return datetime.now(UTC)


def earlier_answer(session, company_id: int, key: str, fingerprint: str) -> dict | None:
    """The first answer given under this Idempotency-Key (replayed: true), if the same request came
    before; InvalidInput naming `idempotency_key` if another one did. Asked after the bill's row is
    locked, so the same request landing twice at once waits and replays."""
    earlier = repository.earlier_request(session, company_id, key)
    if earlier is None:
        return None
    stored_fingerprint, first_answer = earlier
    return idempotency.replay(stored_fingerprint, fingerprint, first_answer)


def once_per_key(work: Callable[[], dict]) -> dict:
    """`work()`, and once more if the same key was committed by another request meanwhile (on
    another bill, so the bill's lock did not queue them): the second time it replays."""
    try:
        return work()
    except repository.SameKeyRacing:
        return work()


def repairing(work: Callable[[bool], object]):
    """`work(repair)`: first as usual; if the ledger refuses a reversal made already (another path
    reversed that movement), the change is rolled back and done again with `repair`, which first
    takes the ledger's reversals as the sales' and consumables' own (repository.adopt_reversals).
    So the stock comes back exactly once, the handler never returns objects of a rolled-back
    session, and an event is never requeued forever for it."""
    try:
        return work(False)
    except repository.AlreadyReversed:
        pass
    try:
        return work(True)
    except repository.AlreadyReversed:
        raise Conflict("the stock was given back meanwhile; look again", {"version": ["Reload the bill."]}) from None
