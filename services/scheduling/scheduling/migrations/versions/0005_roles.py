"""Roles with named rights: each company gets the built-in owner, administrator and specialist
roles, and users.role (a name) becomes users.role_id.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from salon_infra.types import IdType

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen here rather than imported, so later changes to the domain cannot alter this migration.
BUILT_IN_ROLES = ("owner", "administrator", "specialist")

companies = sa.table("companies", sa.column("id", sa.BigInteger))
roles = sa.table(
    "roles",
    sa.column("id", sa.BigInteger),
    sa.column("company_id", sa.BigInteger),
    sa.column("name", sa.String),
    sa.column("built_in", sa.Boolean),
)
users = sa.table(
    "users",
    sa.column("company_id", sa.BigInteger),
    sa.column("role", sa.String),
    sa.column("role_id", sa.BigInteger),
)


def upgrade() -> None:
    op.create_table(
        "roles",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("rights", sa.JSON, nullable=True),
        sa.Column("built_in", sa.Boolean, nullable=False),
        sa.UniqueConstraint("company_id", "name", name="uq_roles_company_name"),
    )
    for name in BUILT_IN_ROLES:
        op.execute(
            roles.insert().from_select(
                ["company_id", "name", "built_in"],
                sa.select(companies.c.id, sa.literal(name, sa.String), sa.true()),
            )
        )
    op.add_column("users", sa.Column("role_id", sa.BigInteger, nullable=True))
    op.execute(users.update().values(role_id=_role_id_named(users.c.role)))
    # A role name the code never wrote: the user keeps no rights rather than blocking the upgrade.
    op.execute(users.update().where(users.c.role_id.is_(None)).values(role_id=_role_id_named(sa.literal("specialist"))))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("role_id", existing_type=sa.BigInteger, nullable=False)
        batch.create_foreign_key("fk_users_role_id", "roles", ["role_id"], ["id"])
        batch.drop_column("role")


def downgrade() -> None:
    op.add_column("users", sa.Column("role", sa.String(20), nullable=True))
    built_in_name = (
        sa.select(roles.c.name).where(roles.c.id == users.c.role_id, roles.c.built_in.is_(True)).scalar_subquery()
    )
    op.execute(users.update().values(role=sa.func.coalesce(built_in_name, "specialist")))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("role", existing_type=sa.String(20), nullable=False)
        batch.drop_constraint("fk_users_role_id", type_="foreignkey")
        batch.drop_column("role_id")
    op.drop_table("roles")


def _role_id_named(name) -> sa.ScalarSelect:
    return (
        sa.select(roles.c.id)
        .where(roles.c.company_id == users.c.company_id, roles.c.name == name, roles.c.built_in.is_(True))
        .scalar_subquery()
    )
