"""Payments move to the payments service: bookings keeps only a copy of each visit's bill.

- `paid_amount` stays, now payments' copy (its `bill_changed` events), beside `sales_total` (what
  the bill holds beyond the service lines: products, memberships and gift cards sold) and
  `bill_version` (the newest bill copied). "Paid in full" is paid_amount >= total_price + sales_total.
- The money recorded here until now goes to payments once: one `appointment_payments_carried_over`
  event per appointment with a paid amount or a refund mark, written to the outbox in this same
  transaction, with the appointment as bookings' events carry it (frozen here as of this revision),
  its `paid_amount` and `refund_status`. bookings' relay publishes them (keeping them until payments
  is bound to receive them) and payments records one carried-over payment per bill, exactly once.
  A migration cannot reach another service's database, and this needs no one-off job to run.
- `refund_status` goes: payments marks money kept for a cancelled or deleted visit itself.

Revision ID: 0007
Revises: 0006
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

EVENT = "appointment_payments_carried_over"
LINE_FIELDS = ("id", "service_id", "title", "duration_minutes", "category_id", "price", "quantity", "discount",
               "discount_percent", "total")  # fmt: skip


def upgrade() -> None:
    op.add_column("appointments", sa.Column("sales_total", sa.BigInteger, nullable=False, server_default="0"))
    op.add_column("appointments", sa.Column("bill_version", sa.Integer, nullable=False, server_default="0"))
    _carry_over()
    # A plain DROP COLUMN on SQLite too: copying the table (batch mode) would lose its triggers.
    op.drop_column("appointments", "refund_status")


def _carry_over() -> None:
    connection = op.get_bind()
    paid = connection.execute(sa.text(
        "SELECT id, company_id, client_id, staff_member_id, starts_at, ends_at, total_price, paid_amount, "
        "refund_status, source, created_by_kind, created_by_id, visit_status, category_id, group_event_id, "
        "cancelled_at, deleted_at, version FROM appointments "
        "WHERE paid_amount > 0 OR refund_status IS NOT NULL ORDER BY id"
    )).mappings().all()  # fmt: skip
    if not paid:
        return
    lines: dict[int, list] = {}
    for line in connection.execute(sa.text(
        "SELECT appointment_id, id, service_id, title, duration_minutes, category_id, price, quantity, discount, "
        "discount_percent, total FROM appointment_services WHERE appointment_id IN "
        "(SELECT id FROM appointments WHERE paid_amount > 0 OR refund_status IS NOT NULL) "
        "ORDER BY appointment_id, position"
    )).mappings():  # fmt: skip
        lines.setdefault(line["appointment_id"], []).append({key: line[key] for key in LINE_FIELDS})
    now = datetime.now(UTC)
    outbox = sa.table(
        "outbox", sa.column("event_id"), sa.column("event_type"), sa.column("body"), sa.column("created_at"),
        sa.column("attempts"),
    )  # fmt: skip
    rows = []
    for appointment in paid:
        event_id = str(uuid.uuid4())
        body = {
            "event_id": event_id, "event_type": EVENT, "company_id": appointment["company_id"],
            "occurred_at": now.isoformat(),
            "data": {
                "appointment": _appointment(appointment, lines.get(appointment["id"], [])),
                "paid_amount": appointment["paid_amount"], "refund_status": appointment["refund_status"],
            },
        }  # fmt: skip
        rows.append({"event_id": event_id, "event_type": EVENT, "body": json.dumps(body, separators=(",", ":")),
                     "created_at": now, "attempts": 0})  # fmt: skip
    op.bulk_insert(outbox, rows)


def _instant(value) -> str:
    """An aware ISO instant, whatever the driver returned (SQLite gives naive UTC text or datetimes)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _appointment(row, lines: list) -> dict:
    """data.appointment as bookings' events carry it (bookings.events.appointment_data, as of 0007)."""
    state = "deleted" if row["deleted_at"] is not None else "cancelled" if row["cancelled_at"] is not None else "booked"
    return {
        "id": row["id"], "company_id": row["company_id"], "client_id": row["client_id"],
        "staff_member_id": row["staff_member_id"], "starts_at": _instant(row["starts_at"]),
        "ends_at": _instant(row["ends_at"]), "service_ids": [line["service_id"] for line in lines],
        "services": lines, "total_price": row["total_price"], "paid_amount": row["paid_amount"],
        "source": row["source"], "created_by": {"kind": row["created_by_kind"], "id": row["created_by_id"]},
        "visit_status": row["visit_status"], "category_id": row["category_id"],
        "group_event_id": row["group_event_id"], "state": state, "version": row["version"],
    }  # fmt: skip


def downgrade() -> None:
    op.add_column("appointments", sa.Column("refund_status", sa.String(30), nullable=True))
    # The mark as bookings set it: a cancelled booking with money paid.
    op.execute(
        "UPDATE appointments SET refund_status = 'manual_refund_required' "
        "WHERE cancelled_at IS NOT NULL AND paid_amount > 0"
    )
    op.drop_column("appointments", "bill_version")
    op.drop_column("appointments", "sales_total")
