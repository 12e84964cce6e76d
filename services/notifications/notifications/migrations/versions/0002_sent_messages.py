"""The record of sent messages, and the development SMS provider's inbox.

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
    op.create_table(
        "sent_messages",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("channel", sa.String(5), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(50), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(7), nullable=False),
        sa.Column("provider_message_id", sa.String(255), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_sent_messages_company_id_id", "sent_messages", ["company_id", "id"])
    op.create_table(
        "dev_sms_messages",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(50), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dev_sms_messages")
    op.drop_table("sent_messages")
