"""The client's email as the booking carries it: what an online client typed in goes on the booking
(never onto an existing client card), and the confirmation is sent to it.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("client_email", sa.String(254), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN on SQLite too: copying the table (batch mode) would lose its triggers.
    op.drop_column("appointments", "client_email")
