"""Companies, users, staff, services, working hours, busy times, and the outbox.

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


def _id() -> sa.Column:
    return sa.Column("id", IdType, primary_key=True)


def _company_id(*, references_company: bool = False) -> sa.Column:
    if references_company:
        return sa.Column("company_id", sa.BigInteger, sa.ForeignKey("companies.id"), nullable=False)
    return sa.Column("company_id", sa.BigInteger, nullable=False)


def _staff_member_id() -> sa.Column:
    return sa.Column("staff_member_id", sa.BigInteger, sa.ForeignKey("staff_members.id"), nullable=False)


def _local_span_columns() -> list[sa.Column]:
    return [
        sa.Column("kind", sa.String(5), nullable=False),
        sa.Column("start_time", sa.Time, nullable=False),
        sa.Column("end_time", sa.Time, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "companies",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("slot_step_minutes", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("slot_step_minutes > 0", name="ck_companies_slot_step"),
    )
    op.create_table(
        "staff_members",
        _id(),
        _company_id(references_company=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("bookable_online", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_staff_members_company_id", "staff_members", ["company_id"])
    op.create_table(
        "users",
        _id(),
        _company_id(references_company=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, sa.ForeignKey("staff_members.id"), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("company_id", "email", name="uq_users_company_email"),
    )
    op.create_table(
        "service_categories",
        _id(),
        _company_id(references_company=True),
        sa.Column("title", sa.String(200), nullable=False),
    )
    op.create_index("ix_service_categories_company_id", "service_categories", ["company_id"])
    op.create_table(
        "services",
        _id(),
        _company_id(references_company=True),
        sa.Column("category_id", sa.BigInteger, sa.ForeignKey("service_categories.id"), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("price_min", sa.BigInteger, nullable=False),
        sa.Column("price_max", sa.BigInteger, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("bookable_online", sa.Boolean, nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name="ck_services_duration"),
        sa.CheckConstraint("price_min >= 0 AND price_max >= price_min", name="ck_services_prices"),
    )
    op.create_index("ix_services_company_id", "services", ["company_id"])
    op.create_table(
        "staff_services",
        _company_id(),
        sa.Column("staff_member_id", sa.BigInteger, sa.ForeignKey("staff_members.id"), primary_key=True),
        sa.Column("service_id", sa.BigInteger, sa.ForeignKey("services.id"), primary_key=True),
        sa.Column("duration_minutes", sa.Integer, nullable=True),
    )
    op.create_index("ix_staff_services_company_service", "staff_services", ["company_id", "service_id"])
    op.create_table(
        "weekly_hours",
        _id(),
        _company_id(),
        _staff_member_id(),
        sa.Column("weekday", sa.SmallInteger, nullable=False),
        *_local_span_columns(),
        sa.CheckConstraint("start_time < end_time", name="ck_weekly_hours_order"),
    )
    op.create_index("ix_weekly_hours_company_staff", "weekly_hours", ["company_id", "staff_member_id"])
    op.create_table(
        "date_overrides",
        _id(),
        _company_id(),
        _staff_member_id(),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.UniqueConstraint("staff_member_id", "on_date", name="uq_date_overrides_staff_date"),
    )
    op.create_table(
        "date_override_spans",
        _id(),
        _company_id(),
        sa.Column(
            "date_override_id",
            sa.BigInteger,
            sa.ForeignKey("date_overrides.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *_local_span_columns(),
        sa.CheckConstraint("start_time < end_time", name="ck_date_override_spans_order"),
    )
    op.create_index("ix_date_override_spans_date_override_id", "date_override_spans", ["date_override_id"])
    op.create_table(
        "staff_breaks",
        _id(),
        _company_id(),
        _staff_member_id(),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name="ck_staff_breaks_order"),
    )
    op.create_index(
        "ix_staff_breaks_company_staff_starts", "staff_breaks", ["company_id", "staff_member_id", "starts_at"]
    )
    op.create_table(
        "busy_times",
        sa.Column("appointment_id", sa.BigInteger, primary_key=True, autoincrement=False),
        _company_id(),
        sa.Column("staff_member_id", sa.BigInteger, nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_busy_times_company_staff_starts", "busy_times", ["company_id", "staff_member_id", "starts_at"])
    outbox.create_tables_v1(op)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
        op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
    for table in (
        "processed_events",
        "outbox",
        "busy_times",
        "staff_breaks",
        "date_override_spans",
        "date_overrides",
        "weekly_hours",
        "staff_services",
        "services",
        "service_categories",
        "users",
        "staff_members",
        "companies",
    ):
        op.drop_table(table)
