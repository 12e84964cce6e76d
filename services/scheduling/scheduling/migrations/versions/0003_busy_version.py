"""companies.busy_version, bumped by the database on any change to a company's busy times.

Slot search keeps busy times (appointments and dated breaks) in memory per search window
while this version is unchanged; every copied appointment or added break bumps it.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BUSY_TABLES = ("busy_times", "staff_breaks")
BUMP = "UPDATE companies SET busy_version = busy_version + 1 WHERE id = {row}.company_id"


def upgrade() -> None:
    op.add_column("companies", sa.Column("busy_version", sa.BigInteger, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_busy_version() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {BUMP.format(row='OLD')}; ELSE {BUMP.format(row='NEW')}; END IF; "
            "RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
        for table in BUSY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_busy AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bump_busy_version()"
            )
    else:
        for table in BUSY_TABLES:
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                op.execute(
                    f"CREATE TRIGGER {table}_bump_busy_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {BUMP.format(row=row)}; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in BUSY_TABLES:
            op.execute(f"DROP TRIGGER {table}_bump_busy ON {table}")
        op.execute("DROP FUNCTION bump_busy_version()")
    else:
        for table in BUSY_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_bump_busy_{event}")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("busy_version")
