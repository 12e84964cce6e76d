"""bookings' copy of each visit's bill, fed by the payments service's `bill_changed` events: what has
been paid, and what the bill holds beyond the service lines (products, memberships and gift cards
sold), so the overview's "paid in full" filter and the delete rules need no call to payments.

Each event carries the bill's version; an older or repeated one changes nothing. The copy is not a
change of the appointment (no new version, no event of its own), so it cannot echo back to payments.
"""

from marshmallow import EXCLUDE, Schema, validate
from sqlalchemy import update

from bookings.models import appointments
from salon_infra import fields
from salon_infra.database import UnitOfWork
from salon_infra.validation import MAX_ID

_id = validate.Range(min=1, max=MAX_ID)
_money = validate.Range(min=0, max=10**15)


class BillCopySchema(Schema):
    """data.bill of payments' bill_changed event (only what bookings keeps)."""

    class Meta:
        unknown = EXCLUDE

    appointment_id = fields.Integer(required=True, strict=True, validate=_id)
    company_id = fields.Integer(required=True, strict=True, validate=_id)
    paid = fields.Integer(required=True, strict=True, validate=_money)
    sales_total = fields.Integer(required=True, strict=True, validate=_money)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))


def record_bill(uow: UnitOfWork, company_id: int, bill: dict) -> bool:
    """Keep the bill's paid amount and sales if its version is newer than the copy's; True if it was."""
    with uow:
        changed = uow.session.execute(
            update(appointments)
            .where(
                appointments.c.company_id == company_id,
                appointments.c.id == bill["appointment_id"],
                appointments.c.bill_version < bill["version"],
            )
            .values(paid_amount=bill["paid"], sales_total=bill["sales_total"], bill_version=bill["version"])
        ).rowcount
        uow.commit()
    return changed == 1
