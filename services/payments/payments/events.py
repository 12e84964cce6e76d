"""Every event payments sends, and the one place each payload is built.

On exchange `payments.events` through the outbox (its relay: `salon-outbox-relay --service
payments`), envelope `{event_id, event_type, company_id, occurred_at, data}`:

- `bill_changed`: `{bill: {appointment_id, company_id, services_total, sales_total, total, paid, due,
  payment_status, refund_status, version}}` whenever what is paid or sold in a visit changes.
  Consumers keep the highest `version` and ignore repeats (bookings keeps the copy its overview's
  "paid in full" filter needs).
"""

from payments.domain.model import Bill

BILL_CHANGED = "bill_changed"


def bill_data(bill: Bill) -> dict:
    return {
        "appointment_id": bill.appointment_id,
        "company_id": bill.company_id,
        "services_total": bill.services_total,
        "sales_total": bill.sales_total,
        "total": bill.total,
        "paid": bill.paid,
        "due": bill.due,
        "payment_status": bill.payment_status,
        "refund_status": bill.refund_status,
        "version": bill.version,
    }


def bill_changed(bill: Bill) -> tuple:
    """(event_type, company_id, data) for the outbox."""
    return BILL_CHANGED, bill.company_id, {"bill": bill_data(bill)}
