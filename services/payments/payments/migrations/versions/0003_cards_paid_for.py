"""Cards usable once paid for, membership uses per unit, deletions counted on their day, deletion holds.

- `gift_cards.paid_at`, `memberships.paid_at`: a card sold is usable once the money paid on its
  bill covers it. Cards sold before this revision that were used already, cost nothing, or whose
  bill is paid in full count as paid for when they were sold; the others wait for their bill.
- `payments.covered_units` replaces `covered_line_ids`: a membership payment pays units of lines
  (one use each), `[{"line_id", "units"}]`. Earlier payments paid every unit of their lines.
- `ix_payments_company_deleted`: the day's takings count a deletion on the day it was made.
- `deletion_holds`: visits being deleted take no payment meanwhile.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

from salon_infra.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CARD_TABLES = ("gift_cards", "memberships")
USED = {"gift_cards": "uses > 0 OR balance < face_value", "memberships": "uses_left < uses_total"}


def _set(column: str):
    """UPDATE of one JSON column of a payment, the value bound as JSON on either database."""
    return sa.text(f"UPDATE payments SET {column} = :value WHERE id = :id").bindparams(
        sa.bindparam("value", type_=sa.JSON())
    )


def upgrade() -> None:
    for table in CARD_TABLES:
        op.add_column(table, sa.Column("paid_at", UtcDateTime(), nullable=True))
        op.execute(
            f"UPDATE {table} SET paid_at = sold_at WHERE voided_at IS NULL AND ({USED[table]} OR price = 0 "
            f"OR bill_id IN (SELECT id FROM bills WHERE paid >= total))"
        )
    op.add_column("payments", sa.Column("covered_units", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT p.id, p.covered_line_ids, l.line_id, l.quantity FROM payments p "
        "LEFT JOIN bill_lines l ON l.bill_id = p.bill_id WHERE p.method = 'membership' ORDER BY p.id, l.position"
    )).all()  # fmt: skip
    quantities: dict[int, tuple[list, dict]] = {}
    for payment_id, covered, line_id, quantity in rows:
        lines = covered if isinstance(covered, list) else json.loads(covered or "[]")
        quantities.setdefault(payment_id, (lines, {}))[1][line_id] = quantity
    for payment_id, (lines, quantity_of) in quantities.items():
        units = [{"line_id": line_id, "units": quantity_of.get(line_id) or 1} for line_id in lines]
        connection.execute(_set("covered_units"), {"value": units, "id": payment_id})
    op.drop_column("payments", "covered_line_ids")
    op.create_index("ix_payments_company_deleted", "payments", ["company_id", "deleted_at"])
    op.create_table(
        "deletion_holds",
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("appointment_id", sa.BigInteger(), nullable=False),
        sa.Column("until", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "appointment_id", name="pk_deletion_holds"),
    )


def downgrade() -> None:
    op.drop_table("deletion_holds")
    op.drop_index("ix_payments_company_deleted", table_name="payments")
    op.add_column("payments", sa.Column("covered_line_ids", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    connection = op.get_bind()
    for payment_id, covered in connection.execute(
        sa.text("SELECT id, covered_units FROM payments WHERE method = 'membership'")
    ).all():
        units = covered if isinstance(covered, list) else json.loads(covered or "[]")
        connection.execute(_set("covered_line_ids"), {"value": [entry["line_id"] for entry in units], "id": payment_id})
    op.drop_column("payments", "covered_units")
    for table in CARD_TABLES:
        op.drop_column(table, "paid_at")
