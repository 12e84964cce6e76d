"""What a booking asks to be prepaid, what has been paid, and a refund left to an administrator.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "appointments", sa.Column("prepayment_required", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.add_column("appointments", sa.Column("paid_amount", sa.BigInteger, nullable=False, server_default="0"))
    op.add_column("appointments", sa.Column("refund_status", sa.String(30), nullable=True))


def downgrade() -> None:
    for column in ("refund_status", "paid_amount", "prepayment_required"):
        op.drop_column("appointments", column)
