"""companies.schedule_version, bumped by the database on any change to a company's schedule.

Slot search and quotes keep each company's schedule (services, who performs them, working
hours) in memory while this version is unchanged. Triggers bump it, so no write path,
ORM or not, can forget to.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEDULE_TABLES = (
    "staff_members",
    "services",
    "staff_services",
    "weekly_hours",
    "date_overrides",
    "date_override_spans",
)
BUMP = "UPDATE companies SET schedule_version = schedule_version + 1 WHERE id = {row}.company_id"


def upgrade() -> None:
    op.add_column("companies", sa.Column("schedule_version", sa.BigInteger, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_schedule_version() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {BUMP.format(row='OLD')}; ELSE {BUMP.format(row='NEW')}; END IF; "
            "RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
        for table in SCHEDULE_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_schedule AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bump_schedule_version()"
            )
    else:
        for table in SCHEDULE_TABLES:
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                op.execute(
                    f"CREATE TRIGGER {table}_bump_schedule_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {BUMP.format(row=row)}; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SCHEDULE_TABLES:
            op.execute(f"DROP TRIGGER {table}_bump_schedule ON {table}")
        op.execute("DROP FUNCTION bump_schedule_version()")
    else:
        for table in SCHEDULE_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_bump_schedule_{event}")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("schedule_version")
