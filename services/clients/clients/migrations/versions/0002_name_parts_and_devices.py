"""A client's last and middle name, and the devices remembered for push confirmations.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from salon_infra.types import IdType, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("clients", sa.Column("last_name", sa.String(200), nullable=True))
    op.add_column("clients", sa.Column("middle_name", sa.String(200), nullable=True))
    op.create_table(
        "client_devices",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("client_id", sa.BigInteger, sa.ForeignKey("clients.id"), nullable=False, index=True),
        sa.Column("device_token", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("company_id", "device_token", name="uq_client_devices_company_token"),
    )


def downgrade() -> None:
    op.drop_table("client_devices")
    op.drop_column("clients", "middle_name")
    op.drop_column("clients", "last_name")
