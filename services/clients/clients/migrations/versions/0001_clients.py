"""Client cards.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from salon_infra.types import IdType, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("company_id", "phone", name="uq_clients_company_phone"),
    )
    op.create_index("ix_clients_company_id", "clients", ["company_id"])


def downgrade() -> None:
    op.drop_table("clients")
