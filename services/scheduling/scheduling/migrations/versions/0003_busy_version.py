"""companies.busy_version, bumped by the database on any change to a company's busy times.

Slot search keeps busy times (appointments and dated breaks) in memory per search window
while this version is unchanged; every copied appointment or added break bumps it.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from scheduling.migrations.version_bumps import create_version_bumps_v1, drop_version_bumps_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BUSY_TABLES = ("busy_times", "staff_breaks")


def upgrade() -> None:
    create_version_bumps_v1(op, "busy_version", BUSY_TABLES)


def downgrade() -> None:
    drop_version_bumps_v1(op, "busy_version", BUSY_TABLES)
