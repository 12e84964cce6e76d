"""Busy times of every kind the bookings service owns, dated breaks leave, group services arrive.

- busy_times gains `kind` (appointment, group_event, break; existing rows are appointments),
  `appointment_id` becomes `source_id`, and the key becomes (kind, source_id): the three
  kinds' ids come from different tables in bookings. Its index leads with the kind too, so a
  search reads each kind's rows from its own look-back window.
- staff_breaks is dropped: breaks added from the calendar live in bookings now and reach
  busy_times as `break` copies. The downgrade recreates it empty, and keeps only the
  appointments of busy_times.
- services gains `group_capacity` (1..500; NULL for an individual service).

SQLite rebuilds busy_times in batch mode and drops its triggers with the old table, so they
are created again; services is changed with a plain ADD/DROP COLUMN (SQLite 3.35+), which
keeps its triggers.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from salon_infra.types import IdType, UtcDateTime
from scheduling.migrations.version_bumps import create_bump_triggers_v1

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen here rather than imported, so later changes to the domain cannot alter this migration.
KINDS_CHECK = "kind IN ('appointment', 'group_event', 'break')"
OLD_INDEX = ("ix_busy_times_company_staff_starts", ["company_id", "staff_member_id", "starts_at"])
NEW_INDEX = ("ix_busy_times_company_staff_kind_starts", ["company_id", "staff_member_id", "kind", "starts_at"])
PRIMARY_KEY = "busy_times_pkey"  # PostgreSQL's own name for the key 0001 created


def upgrade() -> None:
    op.add_column("busy_times", sa.Column("kind", sa.String(12), nullable=False, server_default="appointment"))
    _rename_source_column("appointment_id", "source_id")
    # A second batch: SQLite's rebuild would drop a key naming a column renamed in the same one.
    with op.batch_alter_table("busy_times", reflect_args=_key_columns("kind", "source_id")) as batch:
        batch.alter_column("kind", existing_type=sa.String(12), existing_nullable=False, server_default=None)
        _replace_primary_key(batch, ["kind", "source_id"])
        batch.create_check_constraint("ck_busy_times_kind", KINDS_CHECK)
        batch.drop_index(OLD_INDEX[0])
        batch.create_index(*NEW_INDEX)
    _recreate_sqlite_triggers("busy_times")

    op.drop_table("staff_breaks")  # with its index and triggers

    op.execute(
        "ALTER TABLE services ADD COLUMN group_capacity INTEGER "
        "CONSTRAINT ck_services_group_capacity CHECK (group_capacity BETWEEN 1 AND 500)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE services DROP COLUMN group_capacity")  # its CHECK goes with it

    op.create_table(
        "staff_breaks",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, sa.ForeignKey("staff_members.id"), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name="ck_staff_breaks_order"),
    )
    op.create_index(
        "ix_staff_breaks_company_staff_starts", "staff_breaks", ["company_id", "staff_member_id", "starts_at"]
    )
    create_bump_triggers_v1(op, "busy_version", "staff_breaks")

    op.execute("DELETE FROM busy_times WHERE kind <> 'appointment'")  # their ids would collide
    with op.batch_alter_table("busy_times", reflect_args=_key_columns("source_id")) as batch:
        batch.drop_index(NEW_INDEX[0])
        batch.drop_constraint("ck_busy_times_kind", type_="check")
        _replace_primary_key(batch, ["source_id"])
        batch.drop_column("kind")
        batch.create_index(*OLD_INDEX)
    _rename_source_column("source_id", "appointment_id")
    _recreate_sqlite_triggers("busy_times")


def _rename_source_column(old: str, new: str) -> None:
    with op.batch_alter_table("busy_times") as batch:
        batch.alter_column(old, new_column_name=new, existing_type=sa.BigInteger, existing_nullable=False)


def _key_columns(*names: str) -> list[sa.Column]:
    """The columns of the new key as SQLite's rebuild should create them."""
    types = {"kind": sa.String(12), "source_id": sa.BigInteger}
    return [sa.Column(name, types[name], primary_key=True, autoincrement=False, nullable=False) for name in names]


def _replace_primary_key(batch, columns: list[str]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        batch.drop_constraint(PRIMARY_KEY, type_="primary")
    batch.create_primary_key(PRIMARY_KEY, columns)  # on SQLite, part of the table's rebuild


def _recreate_sqlite_triggers(table: str) -> None:
    """PostgreSQL altered the table in place and kept them."""
    if op.get_bind().dialect.name == "sqlite":
        create_bump_triggers_v1(op, "busy_version", table)
