"""A booking's discount (minor units), as imported from another system's calendar.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("discount", sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("appointments", "discount")
