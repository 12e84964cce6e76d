"""Deleting visits for good (the calendar's delete, the overview's delete). bookings deletes, but what
has been paid is the payments service's to know: bookings' copy of it follows payments' events and
can lag a payment by the time an event takes. So for a user who may not delete paid visits the
gateway first asks payments to hold the visits and say what each has paid (payments.holds: a hold
is written before the bills are read, so a payment taken at that moment is either counted or
refused), deletes in bookings only those found unpaid, and then tells payments which were deleted
(they stay held until their deletion reaches their bills) and which were not (free again). For a
user who may delete paid visits nothing is asked. Once bookings has deleted a visit, a payment
through the gateway cannot land on it either way: the gateway passes the appointment's version it
saw, and payments reads a newer one through from bookings (`seen_version`) before taking money.
"""

import logging

from gateway.errors import ApiError
from gateway.remote import remote
from gateway.till import payments

log = logging.getLogger(__name__)

PAID = "paid: you may not delete paid bookings"  # bookings' own reason, word for word


def delete_visits(company_id: int, appointment_ids: list[int], actor: dict, *, may_delete_paid: bool,
                  may_delete_arrived: bool) -> dict:  # fmt: skip
    """{deleted: [ids], skipped: [{id, reason}]}, as bookings' delete_appointments answers."""
    wanted = list(dict.fromkeys(appointment_ids))
    paid = set()
    if not may_delete_paid:
        held = payments().hold_for_deletion(company_id, {"appointment_ids": wanted})["paid"]
        paid = {appointment_id for appointment_id in wanted if held.get(str(appointment_id), 0) > 0}
    asked = [appointment_id for appointment_id in wanted if appointment_id not in paid]
    deletion = {"deleted": [], "skipped": []}
    if asked:
        command = {"appointment_ids": asked, "actor": actor, "may_delete_paid": may_delete_paid,
                   "may_delete_arrived": may_delete_arrived}  # fmt: skip
        deletion = remote().bookings.delete_appointments(company_id, command)
    if not may_delete_paid:
        _end_holds(company_id, deletion["deleted"], [i for i in asked if i not in set(deletion["deleted"])])
    reasons = {skipped["id"]: skipped["reason"] for skipped in deletion["skipped"]}
    reasons.update({appointment_id: PAID for appointment_id in paid})
    skipped = [{"id": appointment_id, "reason": reasons[appointment_id]} for appointment_id in wanted
               if appointment_id in reasons]  # fmt: skip
    return {"deleted": deletion["deleted"], "skipped": skipped}


def _end_holds(company_id: int, deleted: list[int], kept: list[int]) -> None:
    """Best effort: the deletion is made; if payments does not hear of it now, its holds end by
    themselves (payments.handlers.holds.HOLD_SECONDS) and bookings' event tells it of the deletion."""
    if not deleted and not kept:
        return
    try:
        payments().end_deletion_holds(company_id, {"deleted": deleted, "kept": kept})
    except ApiError as problem:
        log.warning("payments did not hear of deleted visits %s (kept %s): %s", deleted, kept, problem.message)
