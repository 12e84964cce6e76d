"""Retries, daily caps and one-time codes kept masked.

sent_messages gets provider_error (the provider's own words, moved out of error, which now holds
a plain reason for the salon), sensitive, attempts and next_attempt_at; daily_sends counts each
company's messages per day. Existing phone_code bodies are masked; messages left pending by an
interrupted send are tried again if recent, else failed.

Revision ID: 0003
Revises: 0002
"""

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from salon_infra.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PENDING_ONLY = "status = 'pending'"
SECRET_LOOKING = re.compile(r"\d{4,}|[A-Za-z0-9_\-]{20,}")  # as notifications.domain.delivery, at 0003
MASK = "••••••"


def upgrade() -> None:
    with op.batch_alter_table("sent_messages") as batch:
        batch.add_column(sa.Column("provider_error", sa.Text, nullable=True))
        batch.add_column(sa.Column("sensitive", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", UtcDateTime(), nullable=True))
    op.create_index(
        "ix_sent_messages_due",
        "sent_messages",
        ["next_attempt_at"],
        postgresql_where=sa.text(PENDING_ONLY),
        sqlite_where=sa.text(PENDING_ONLY),
    )
    op.create_table(
        "daily_sends",
        sa.Column("company_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("channel", sa.String(5), primary_key=True),
        sa.Column("sent", sa.Integer, nullable=False),
    )
    _carry_over(op.get_bind())


def _carry_over(connection) -> None:
    messages = sa.table(
        "sent_messages",
        sa.column("id"), sa.column("body"), sa.column("purpose"), sa.column("status"), sa.column("error"),
        sa.column("provider_error"), sa.column("sensitive"), sa.column("attempts"),
        sa.column("next_attempt_at", UtcDateTime()), sa.column("created_at", UtcDateTime()),
    )  # fmt: skip
    connection.execute(
        messages.update()
        .where(messages.c.error.is_not(None))
        .values(provider_error=messages.c.error, error="The provider refused this message.")
    )
    codes = connection.execute(sa.select(messages.c.id, messages.c.body).where(messages.c.purpose == "phone_code"))
    for message_id, body in codes.all():
        masked = SECRET_LOOKING.sub(MASK, body)
        connection.execute(messages.update().where(messages.c.id == message_id).values(body=masked, sensitive=True))
    now = datetime.now(UTC)
    pending = messages.c.status == "pending"
    connection.execute(
        messages.update()
        .where(pending, (messages.c.created_at < now - timedelta(hours=1)) | messages.c.sensitive)
        .values(status="failed", error="Interrupted before it was sent; not sent.", attempts=1)
    )
    connection.execute(messages.update().where(pending).values(next_attempt_at=now, attempts=1))


def downgrade() -> None:
    op.drop_table("daily_sends")
    op.drop_index("ix_sent_messages_due", table_name="sent_messages")
    with op.batch_alter_table("sent_messages") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
        batch.drop_column("sensitive")
        batch.drop_column("provider_error")
