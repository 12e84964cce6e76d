"""Online booking settings: the company's, and each staff member's and service's own slot timing
and prepayment rule; the appointment calendar's last/middle name switches.

The settings table is read with the company on every search, so it needs no version bump.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIMING_COLUMNS = ("search_interval_minutes", "display_interval_minutes", "search_from_minute", "search_until_minute")


def upgrade() -> None:
    op.create_table(
        "online_booking_settings",
        sa.Column("company_id", sa.BigInteger, sa.ForeignKey("companies.id"), primary_key=True),
        sa.Column("display_interval_minutes", sa.Integer),
        sa.Column("search_from_minute", sa.Integer, nullable=False),
        sa.Column("search_until_minute", sa.Integer, nullable=False),
        sa.Column("buffer_minutes", sa.Integer, nullable=False),
        sa.Column("change_cutoff_minutes", sa.Integer, nullable=False),
        sa.Column("comment_field", sa.String(10), nullable=False),
        sa.Column("comment_label", sa.String(60), nullable=False),
        sa.Column("email_field", sa.String(10), nullable=False),
        sa.Column("last_name_field", sa.String(10), nullable=False),
        sa.Column("middle_name_field", sa.String(10), nullable=False),
        sa.Column("contact_step_message", sa.String(1000), nullable=False),
        sa.Column("any_specialist", sa.Boolean, nullable=False),
        sa.Column("online_staff_member_id", sa.BigInteger, sa.ForeignKey("staff_members.id")),
        sa.Column("sms_confirmation", sa.Boolean, nullable=False),
        sa.Column("push_confirmation", sa.Boolean, nullable=False),
        sa.Column("push_requires_login", sa.Boolean, nullable=False),
        sa.Column("online_payment", sa.Boolean, nullable=False),
        sa.CheckConstraint("search_from_minute <= search_until_minute", name="ck_online_booking_search_window"),
        sa.CheckConstraint(
            "change_cutoff_minutes BETWEEN 0 AND 2880 AND change_cutoff_minutes % 15 = 0",
            name="ck_online_booking_change_cutoff",
        ),
    )
    for column in ("last_name_field_enabled", "middle_name_field_enabled"):
        op.add_column("companies", sa.Column(column, sa.Boolean, nullable=False, server_default=sa.false()))
    for table in ("staff_members", "services"):
        for column in TIMING_COLUMNS:
            op.add_column(table, sa.Column(column, sa.Integer))
        op.add_column(table, sa.Column("prepayment", sa.String(10), nullable=False, server_default="none"))
    op.add_column(
        "staff_members", sa.Column("in_any_specialist_pool", sa.Boolean, nullable=False, server_default=sa.true())
    )


def downgrade() -> None:
    op.drop_column("staff_members", "in_any_specialist_pool")
    for table in ("staff_members", "services"):
        op.drop_column(table, "prepayment")
        for column in TIMING_COLUMNS:
            op.drop_column(table, column)
    for column in ("last_name_field_enabled", "middle_name_field_enabled"):
        op.drop_column("companies", column)
    op.drop_table("online_booking_settings")
