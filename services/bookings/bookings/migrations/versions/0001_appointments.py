"""Appointments, their services, the no-overlap rule, and the outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LIVE = "cancelled_at IS NULL AND deleted_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("client_id", sa.BigInteger, nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("created_by_kind", sa.String(10), nullable=False),
        sa.Column("created_by_id", sa.BigInteger, nullable=False),
        sa.Column("visit_status", sa.String(10), nullable=False),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.Column("cancelled_by_kind", sa.String(10), nullable=True),
        sa.Column("cancelled_by_id", sa.BigInteger, nullable=True),
        sa.Column("cancel_reason", sa.String(500), nullable=True),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("deleted_by_id", sa.BigInteger, nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("request_fingerprint", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="ck_appointments_ends_after_start"),
        sa.UniqueConstraint("company_id", "idempotency_key", name="uq_appointments_idempotency_key"),
    )
    op.create_index("ix_appointments_company_starts", "appointments", ["company_id", "starts_at"])
    op.create_index("ix_appointments_staff_starts", "appointments", ["company_id", "staff_member_id", "starts_at"])
    op.create_index("ix_appointments_client", "appointments", ["company_id", "client_id"])
    op.create_table(
        "appointment_services",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("appointment_id", IdType, sa.ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("service_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_appointment_services_appointment_id", "appointment_services", ["appointment_id"])
    if op.get_bind().dialect.name == "postgresql":
        _no_overlap_on_postgresql()
    else:
        _no_overlap_on_sqlite()
    outbox.create_tables_v1(op)


def _no_overlap_on_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist "
        "(company_id WITH =, staff_member_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        f"WHERE ({LIVE})"
    )


def _no_overlap_on_sqlite() -> None:
    # SQLite runs one writer at a time, so a check inside the writing statement is atomic.
    clash = (
        "SELECT RAISE(ABORT, 'appointments_no_overlap') WHERE EXISTS ("
        "SELECT 1 FROM appointments AS other WHERE other.company_id = NEW.company_id "
        "AND other.staff_member_id = NEW.staff_member_id AND other.id IS NOT NEW.id "
        "AND other.cancelled_at IS NULL AND other.deleted_at IS NULL "
        "AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at);"
    )
    live_new_row = "WHEN NEW.cancelled_at IS NULL AND NEW.deleted_at IS NULL"
    op.execute(
        f"CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments {live_new_row} BEGIN {clash} END"
    )
    op.execute(
        "CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF starts_at, ends_at, staff_member_id, "
        f"cancelled_at, deleted_at ON appointments {live_new_row} BEGIN {clash} END"
    )


def downgrade() -> None:
    op.drop_table("appointment_services")
    op.drop_table("appointments")
    op.drop_table("processed_events")
    op.drop_table("outbox")
