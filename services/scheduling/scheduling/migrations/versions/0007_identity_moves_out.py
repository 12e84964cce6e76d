"""Users, roles and rights move to the accounts service; scheduling keeps the company.

- Every company's roles and users leave once: one `identity_carried_over` event per company,
  written to this service's outbox in this migration's transaction, with each row as it is (ids,
  emails, password hashes, role, staff member, active). scheduling's relay publishes them (keeping
  them until accounts is bound to receive them, `mandatory`), and accounts writes them with their
  ids, exactly once (processed_events). A migration cannot reach another service's database, and
  no one-off job has to be run or remembered. The hashes cross the broker once, inside the cluster.
- `identity_moved_out` keeps the highest role and user ids handed out here (one row), which
  accounts asks for (`identity_high_water`) before it creates its first user or role, so its new
  ids never take one a carried-over row is bringing.
- `users` and `roles` are dropped: the events hold them. The downgrade recreates them empty (the
  data lives in accounts from now on).
- `companies.signup_key`: the accounts service's key for the signup that made a company (unique),
  so a repeated request makes no second company and an unfinished signup discards its own.

Revision ID: 0007
Revises: 0006
"""

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from salon_infra.types import IdType, UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

EVENT = "identity_carried_over"


def upgrade() -> None:
    op.add_column("companies", sa.Column("signup_key", sa.String(36), nullable=True))
    op.create_index("uq_companies_signup_key", "companies", ["signup_key"], unique=True)
    op.create_table(
        "identity_moved_out",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("roles_high_water", sa.BigInteger, nullable=False),
        sa.Column("users_high_water", sa.BigInteger, nullable=False),
        sa.Column("moved_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_identity_moved_out_one_row"),
    )
    _carry_over()
    op.drop_table("users")
    op.drop_table("roles")


def _carry_over() -> None:
    connection = op.get_bind()
    roles = connection.execute(
        sa.text("SELECT id, company_id, name, built_in, rights FROM roles ORDER BY company_id, id")
    ).mappings().all()  # fmt: skip
    users = connection.execute(sa.text(
        "SELECT id, company_id, email, name, password_hash, role_id, staff_member_id, active, created_at "
        "FROM users ORDER BY company_id, id"
    )).mappings().all()  # fmt: skip
    now = datetime.now(UTC)
    moved = sa.table(
        "identity_moved_out", sa.column("id"), sa.column("roles_high_water"), sa.column("users_high_water"),
        sa.column("moved_at", UtcDateTime()),
    )  # fmt: skip
    op.bulk_insert(moved, [{
        "id": 1, "roles_high_water": max((row["id"] for row in roles), default=0),
        "users_high_water": max((row["id"] for row in users), default=0), "moved_at": now,
    }])  # fmt: skip
    companies: dict[int, dict] = {}
    for row in roles:
        companies.setdefault(row["company_id"], {"roles": [], "users": []})["roles"].append({
            "id": row["id"], "name": row["name"], "built_in": bool(row["built_in"]), "rights": _rights(row["rights"]),
        })  # fmt: skip
    for row in users:
        companies.setdefault(row["company_id"], {"roles": [], "users": []})["users"].append({
            "id": row["id"], "email": row["email"], "name": row["name"], "password_hash": row["password_hash"],
            "role_id": row["role_id"], "staff_member_id": row["staff_member_id"], "active": bool(row["active"]),
            "created_at": _instant(row["created_at"]),
        })  # fmt: skip
    if not companies:
        return
    outbox = sa.table(
        "outbox", sa.column("event_id"), sa.column("event_type"), sa.column("body"),
        sa.column("created_at", UtcDateTime()), sa.column("attempts"),
    )  # fmt: skip
    rows = []
    for company_id, data in companies.items():
        event_id = str(uuid.uuid4())
        body = {"event_id": event_id, "event_type": EVENT, "company_id": company_id,
                "occurred_at": now.isoformat(), "data": data}  # fmt: skip
        rows.append({"event_id": event_id, "event_type": EVENT, "body": json.dumps(body, separators=(",", ":")),
                     "created_at": now, "attempts": 0})  # fmt: skip
    op.bulk_insert(outbox, rows)


def _rights(value) -> list[str] | None:
    """A custom role's list of rights (SQLite gives the JSON as text); None for a built-in role."""
    return json.loads(value) if isinstance(value, str) else value


def _instant(value) -> str:
    """An aware ISO instant, whatever the driver returned (SQLite gives naive UTC text or datetimes)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def downgrade() -> None:
    # As 0005 left them, empty: the users and roles are the accounts service's now.
    op.create_table(
        "roles",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("rights", sa.JSON, nullable=True),
        sa.Column("built_in", sa.Boolean, nullable=False),
        sa.UniqueConstraint("company_id", "name", name="uq_roles_company_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, sa.ForeignKey("staff_members.id"), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("role_id", sa.BigInteger, sa.ForeignKey("roles.id", name="fk_users_role_id"), nullable=False),
        sa.UniqueConstraint("company_id", "email", name="uq_users_company_email"),
    )
    op.drop_table("identity_moved_out")
    op.drop_index("uq_companies_signup_key", "companies")
    op.drop_column("companies", "signup_key")  # a plain DROP COLUMN on SQLite: batch mode would lose triggers
