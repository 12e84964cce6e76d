"""companies.schedule_version, bumped by the database on any change to a company's schedule.

Slot search and quotes keep each company's schedule (services, who performs them, working
hours) in memory while this version is unchanged. Triggers bump it, so no write path,
ORM or not, can forget to.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from scheduling.migrations.version_bumps import create_version_bumps_v1, drop_version_bumps_v1

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


def upgrade() -> None:
    create_version_bumps_v1(op, "schedule_version", SCHEDULE_TABLES)


def downgrade() -> None:
    drop_version_bumps_v1(op, "schedule_version", SCHEDULE_TABLES)
