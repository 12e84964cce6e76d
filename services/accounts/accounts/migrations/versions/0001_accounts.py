"""Users, roles and signups, moved here from scheduling; the outbox and the record of handled events.

The users and roles scheduling held arrive as its `identity_carried_over` events (scheduling's
migration 0007), keeping their ids; `id_floors` records that this database's sequences were raised
above scheduling's ids (handlers/ids.py).

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


def upgrade() -> None:
    outbox.create_tables_v1(op)
    op.create_table(
        "roles",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("rights", sa.JSON, nullable=True),
        sa.Column("built_in", sa.Boolean, nullable=False),
        sa.UniqueConstraint("company_id", "name", name="uq_roles_company_name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "users",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role_id", sa.BigInteger, sa.ForeignKey("roles.id", name="fk_users_role_id"), nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("token_version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("company_id", "email", name="uq_users_company_email"),
        sa.CheckConstraint("token_version >= 1", name="ck_users_token_version"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_users_role_id", "users", ["role_id"])
    op.create_table(
        "signups",
        sa.Column("key", sa.String(36), primary_key=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("company_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("state IN ('pending', 'done', 'discarding', 'discarded')", name="ck_signups_state"),
    )
    op.create_index("ix_signups_state_created_at", "signups", ["state", "created_at"])
    op.create_table(
        "id_floors",
        sa.Column("table_name", sa.String(30), primary_key=True),
        sa.Column("floor", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("id_floors")
    op.drop_table("signups")
    op.drop_table("users")
    op.drop_table("roles")
    op.drop_table("processed_events")
    op.drop_table("outbox")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
