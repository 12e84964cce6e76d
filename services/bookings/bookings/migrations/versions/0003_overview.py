"""The bookings overview: client snapshot, booking category, total price, service categories,
an import key, and the indexes the overview's filters and keyset pages need.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NEW_APPOINTMENT_COLUMNS = (
    sa.Column("client_name", sa.String(200), nullable=True),
    sa.Column("client_phone", sa.String(16), nullable=True),
    sa.Column("booking_category", sa.String(50), nullable=True),
    sa.Column("import_key", sa.String(64), nullable=True),
    sa.Column("total_price", sa.BigInteger, nullable=False, server_default="0"),
)


def upgrade() -> None:
    for column in NEW_APPOINTMENT_COLUMNS:
        op.add_column("appointments", column)
    op.add_column("appointment_services", sa.Column("category_id", sa.BigInteger, nullable=True))
    op.execute(
        "UPDATE appointments SET total_price = (SELECT coalesce(sum(price), 0) FROM appointment_services "
        "WHERE appointment_services.appointment_id = appointments.id)"
    )
    # Keyset pages sort by (created_at, id) or (starts_at, id); the second replaces (company_id, starts_at).
    op.drop_index("ix_appointments_company_starts", "appointments")
    op.create_index("ix_appointments_company_starts", "appointments", ["company_id", "starts_at", "id"])
    op.create_index("ix_appointments_company_created", "appointments", ["company_id", "created_at", "id"])
    # The newest bookings are mostly visits still to come (pending, confirmed); looking for arrived or
    # no-show ones through the indexes above would pass over all of them first.
    for sort in ("created", "starts"):
        op.create_index(
            f"ix_appointments_status_{sort}", "appointments", ["company_id", "visit_status", f"{sort}_at", "id"]
        )
    op.create_index("uq_appointments_import_key", "appointments", ["company_id", "import_key"], unique=True)
    # Few bookings carry a category, so this stays small and finds them without a scan.
    op.create_index(
        "ix_appointments_booking_category",
        "appointments",
        ["company_id", "booking_category"],
        sqlite_where=sa.text("booking_category IS NOT NULL"),
        postgresql_where=sa.text("booking_category IS NOT NULL"),
    )
    op.create_index(
        "ix_appointment_services_category", "appointment_services", ["company_id", "category_id", "appointment_id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # Partial matches (LIKE '%anna%') on the client's name or phone; a multicolumn GIN
        # index serves a condition on either column alone.
        op.execute(
            "CREATE INDEX ix_appointments_client_trgm ON appointments "
            "USING gin (lower(client_name) gin_trgm_ops, client_phone gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_appointments_client_trgm", "appointments")
    op.drop_index("ix_appointment_services_category", "appointment_services")
    op.drop_index("ix_appointments_booking_category", "appointments")
    op.drop_index("uq_appointments_import_key", "appointments")
    op.drop_index("ix_appointments_status_starts", "appointments")
    op.drop_index("ix_appointments_status_created", "appointments")
    op.drop_index("ix_appointments_company_created", "appointments")
    op.drop_index("ix_appointments_company_starts", "appointments")
    op.create_index("ix_appointments_company_starts", "appointments", ["company_id", "starts_at"])
    op.drop_column("appointment_services", "category_id")
    for column in reversed(NEW_APPOINTMENT_COLUMNS):
        op.drop_column("appointments", column.name)
