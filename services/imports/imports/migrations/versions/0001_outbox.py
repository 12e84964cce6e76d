"""The outbox and the record of handled events.

Revision ID: 0001
Revises:
"""

from salon_infra import outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    from alembic import op

    outbox.create_tables_v1(op)


def downgrade() -> None:
    from alembic import op

    op.drop_table("processed_events")
    op.drop_table("outbox")
