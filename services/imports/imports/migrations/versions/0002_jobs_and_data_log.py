"""Import and export jobs, and the data log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from salon_infra.types import IdType, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ONCE_PER_FILE = "status <> 'failed' AND NOT dry_run AND file_key IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("file_name", sa.String(200)),
        sa.Column("file_key", sa.String(64)),
        sa.Column("content", sa.LargeBinary),
        sa.Column("requested_by_user_id", sa.BigInteger, nullable=False),
        sa.Column("requested_by_email", sa.String(254)),
        sa.Column("filters", sa.JSON),
        sa.Column("report", sa.JSON),
        sa.Column("file_path", sa.Text),
        sa.Column("file_size", sa.BigInteger),
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime()),
        sa.Column("finished_at", UtcDateTime()),
    )
    op.create_index("ix_jobs_company_id", "jobs", ["company_id", "id"])
    op.create_index("ix_jobs_pending", "jobs", ["status", "id"])
    op.create_index(
        "uq_jobs_file_once",
        "jobs",
        ["company_id", "kind", "file_key"],
        unique=True,
        postgresql_where=sa.text(ONCE_PER_FILE),
        sqlite_where=sa.text(ONCE_PER_FILE),
    )
    op.create_table(
        "data_log",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("job_id", sa.BigInteger),
        sa.Column("details", sa.JSON),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_data_log_company_id", "data_log", ["company_id", "id"])
    op.create_index("ix_data_log_job_id", "data_log", ["job_id"])


def downgrade() -> None:
    op.drop_table("data_log")
    op.drop_table("jobs")
