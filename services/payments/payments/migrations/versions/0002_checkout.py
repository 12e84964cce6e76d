"""Checkout: cash desks, bills of visits with their service lines, payments, product sales and the
stock ledger, consumables and bills of materials, memberships and gift cards.

- `stock_levels` is written by a trigger on `stock_movements` only: each movement adds to its
  product's row in its storage, and one that takes a storage without negative stock below zero is
  refused (`stock_below_zero`). Movements are never updated or deleted (`stock_ledger_append_only`).
- CHECKs keep the money in bounds (bills, gift cards, memberships, payments).

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

TABLES = (
    "idempotent_requests", "bills_of_materials", "consumables", "product_sales", "payments", "gift_cards",
    "memberships", "card_codes", "gift_card_types", "membership_types", "bill_lines", "bills", "stock_levels",
    "stock_movements", "storages", "products", "cash_desks",
)  # fmt: skip


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _ledger_on_postgresql()
    else:
        _ledger_on_sqlite()


def _create_tables() -> None:
    op.create_table(
        "bills",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("appointment_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_member_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("appointment_state", sa.String(length=10), nullable=False),
        sa.Column("appointment_version", sa.Integer(), nullable=False),
        sa.Column("services_total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("sales_total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("paid", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refund_status", sa.String(length=30), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "services_total >= 0 AND sales_total >= 0 AND total = services_total + sales_total AND paid >= 0",
            name="ck_bills_money",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "appointment_id", name="uq_bills_appointment"),
    )
    op.create_table(
        "bills_of_materials",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("service_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_member_id", sa.BigInteger(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_bills_of_materials_service",
        "bills_of_materials",
        ["company_id", "service_id"],
        unique=True,
        sqlite_where=sa.text("staff_member_id IS NULL"),
        postgresql_where=sa.text("staff_member_id IS NULL"),
    )
    op.create_index(
        "uq_bills_of_materials_staff",
        "bills_of_materials",
        ["company_id", "service_id", "staff_member_id"],
        unique=True,
        sqlite_where=sa.text("staff_member_id IS NOT NULL"),
        postgresql_where=sa.text("staff_member_id IS NOT NULL"),
    )
    op.create_table(
        "card_codes",
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "code", name="pk_card_codes"),
    )
    op.create_table(
        "cash_desks",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('cash', 'non_cash')", name="ck_cash_desks_kind"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "title", name="uq_cash_desks_title"),
    )
    op.create_index(
        "uq_cash_desks_default",
        "cash_desks",
        ["company_id", "kind"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "gift_card_types",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("face_value", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("multiple_use", sa.Boolean(), nullable=False),
        sa.Column("pays_for", sa.String(length=10), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "title", name="uq_gift_card_types_title"),
    )
    op.create_table(
        "idempotent_requests",
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "key", name="pk_idempotent_requests"),
    )
    op.create_table(
        "membership_types",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "title", name="uq_membership_types_title"),
    )
    op.create_table(
        "products",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("article", sa.String(length=64), nullable=True),
        sa.Column("barcode", sa.String(length=64), nullable=True),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("sale_price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("cost_price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("sale_price >= 0 AND cost_price >= 0", name="ck_products_prices"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_products_company_title", "products", ["company_id", "title"], unique=False)
    op.create_index(
        "uq_products_article",
        "products",
        ["company_id", "article"],
        unique=True,
        sqlite_where=sa.text("article IS NOT NULL"),
        postgresql_where=sa.text("article IS NOT NULL"),
    )
    op.create_index(
        "uq_products_barcode",
        "products",
        ["company_id", "barcode"],
        unique=True,
        sqlite_where=sa.text("barcode IS NOT NULL"),
        postgresql_where=sa.text("barcode IS NOT NULL"),
    )
    op.create_table(
        "storages",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("for_sale", sa.Boolean(), nullable=False),
        sa.Column("for_services", sa.Boolean(), nullable=False),
        sa.Column("allows_negative", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("for_sale OR for_services", name="ck_storages_purpose"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "title", name="uq_storages_title"),
    )
    op.create_table(
        "bill_lines",
        sa.Column("id", IdType, nullable=False),
        sa.Column("bill_id", sa.BigInteger(), nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("line_id", sa.BigInteger(), nullable=False),
        sa.Column("service_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.BigInteger(), nullable=True),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("discount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["bill_id"], ["bills.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bill_id", "line_id", name="uq_bill_lines_line"),
    )
    op.create_table(
        "gift_cards",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("type_id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("bill_id", sa.BigInteger(), nullable=True),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("face_value", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("balance", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("multiple_use", sa.Boolean(), nullable=False),
        sa.Column("pays_for", sa.String(length=10), nullable=False),
        sa.Column("sold_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("voided_at", UtcDateTime(), nullable=True),
        sa.Column("voided_by_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "balance >= 0 AND balance <= face_value AND uses >= 0 AND (multiple_use OR uses <= 1)",
            name="ck_gift_cards_balance",
        ),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["gift_card_types.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "code", name="uq_gift_cards_code"),
    )
    op.create_index("ix_gift_cards_bill", "gift_cards", ["bill_id"], unique=False)
    op.create_table(
        "memberships",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("type_id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("bill_id", sa.BigInteger(), nullable=True),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("uses_total", sa.Integer(), nullable=False),
        sa.Column("uses_left", sa.Integer(), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("sold_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("voided_at", UtcDateTime(), nullable=True),
        sa.Column("voided_by_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("uses_left >= 0 AND uses_left <= uses_total", name="ck_memberships_uses"),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["membership_types.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "code", name="uq_memberships_code"),
    )
    op.create_index("ix_memberships_bill", "memberships", ["bill_id"], unique=False)
    op.create_table(
        "stock_levels",
        sa.Column("storage_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
        ),
        sa.ForeignKeyConstraint(
            ["storage_id"],
            ["storages.id"],
        ),
        sa.PrimaryKeyConstraint("storage_id", "product_id", name="pk_stock_levels"),
    )
    op.create_index("ix_stock_levels_product", "stock_levels", ["company_id", "product_id"], unique=False)
    op.create_table(
        "stock_movements",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("storage_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("reverses_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity <> 0", name="ck_stock_movements_quantity"),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["stock_movements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["storage_id"],
            ["storages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stock_movements_product", "stock_movements", ["company_id", "product_id", "id"], unique=False)
    op.create_index("ix_stock_movements_storage", "stock_movements", ["company_id", "storage_id", "id"], unique=False)
    op.create_index("uq_stock_movements_reverses", "stock_movements", ["reverses_id"], unique=True)
    op.create_table(
        "consumables",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("bill_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("storage_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.BigInteger(), nullable=False),
        sa.Column("from_bill_of_materials", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("removed_at", UtcDateTime(), nullable=True),
        sa.Column("removed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("movement_id", sa.BigInteger(), nullable=False),
        sa.Column("return_movement_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity > 0", name="ck_consumables_quantity"),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["stock_movements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
        ),
        sa.ForeignKeyConstraint(
            ["return_movement_id"],
            ["stock_movements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["storage_id"],
            ["storages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consumables_bill", "consumables", ["bill_id"], unique=False)
    op.create_table(
        "payments",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("bill_id", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("cash_desk_id", sa.BigInteger(), nullable=True),
        sa.Column("gift_card_id", sa.BigInteger(), nullable=True),
        sa.Column("membership_id", sa.BigInteger(), nullable=True),
        sa.Column("membership_uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("covered_line_ids", sa.JSON(), nullable=False),
        sa.Column("pays_for", sa.String(length=10), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("taken_at", UtcDateTime(), nullable=False),
        sa.Column("taken_by_id", sa.BigInteger(), nullable=True),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("deleted_by_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "(method IN ('cash', 'card') AND cash_desk_id IS NOT NULL) "
            "OR (method = 'gift_card' AND gift_card_id IS NOT NULL) "
            "OR (method = 'membership' AND membership_id IS NOT NULL) OR method = 'carried_over'",
            name="ck_payments_source",
        ),
        sa.CheckConstraint("amount > 0", name="ck_payments_amount"),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
        ),
        sa.ForeignKeyConstraint(
            ["cash_desk_id"],
            ["cash_desks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["gift_card_id"],
            ["gift_cards.id"],
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payments_bill", "payments", ["bill_id"], unique=False)
    op.create_index("ix_payments_company_taken", "payments", ["company_id", "taken_at"], unique=False)
    op.create_index(
        "uq_payments_carried_over",
        "payments",
        ["bill_id"],
        unique=True,
        sqlite_where=sa.text("method = 'carried_over'"),
        postgresql_where=sa.text("method = 'carried_over'"),
    )
    op.create_table(
        "product_sales",
        sa.Column("id", IdType, nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("bill_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("storage_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("staff_member_id", sa.BigInteger(), nullable=True),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=True),
        sa.Column("discount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("subtotal", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("removed_at", UtcDateTime(), nullable=True),
        sa.Column("removed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("movement_id", sa.BigInteger(), nullable=False),
        sa.Column("return_movement_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("discount >= 0 AND total = subtotal - discount", name="ck_product_sales_money"),
        sa.CheckConstraint("quantity > 0", name="ck_product_sales_quantity"),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["stock_movements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
        ),
        sa.ForeignKeyConstraint(
            ["return_movement_id"],
            ["stock_movements.id"],
        ),
        sa.ForeignKeyConstraint(
            ["storage_id"],
            ["storages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_product_sales_bill", "product_sales", ["bill_id"], unique=False)


# ---------------------------------------------------------------- the ledger's rules


def _ledger_on_postgresql() -> None:
    op.execute(
        "CREATE FUNCTION stock_movements_count() RETURNS trigger AS $$ DECLARE level BIGINT; BEGIN "
        "INSERT INTO stock_levels (storage_id, product_id, company_id, quantity) "
        "VALUES (NEW.storage_id, NEW.product_id, NEW.company_id, NEW.quantity) "
        "ON CONFLICT (storage_id, product_id) DO UPDATE SET quantity = stock_levels.quantity + EXCLUDED.quantity "
        "RETURNING quantity INTO level; "
        "IF NEW.quantity < 0 AND level < 0 AND NOT (SELECT allows_negative FROM storages WHERE id = NEW.storage_id) "
        "THEN RAISE EXCEPTION 'stock_below_zero' USING ERRCODE = 'check_violation'; END IF; "
        "RETURN NULL; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER stock_movements_count AFTER INSERT ON stock_movements "
        "FOR EACH ROW EXECUTE FUNCTION stock_movements_count()"
    )
    op.execute(
        "CREATE FUNCTION stock_movements_append_only() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'stock_ledger_append_only' USING ERRCODE = 'check_violation'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements "
        "FOR EACH ROW EXECUTE FUNCTION stock_movements_append_only()"
    )


# SQLite: one writer at a time, so a check inside the writing statement is atomic.
def _ledger_on_sqlite() -> None:
    op.execute(
        "CREATE TRIGGER stock_movements_count AFTER INSERT ON stock_movements BEGIN "
        "INSERT OR IGNORE INTO stock_levels (storage_id, product_id, company_id, quantity) "
        "VALUES (NEW.storage_id, NEW.product_id, NEW.company_id, 0); "
        "UPDATE stock_levels SET quantity = quantity + NEW.quantity "
        "WHERE storage_id = NEW.storage_id AND product_id = NEW.product_id; "
        "SELECT RAISE(ABORT, 'stock_below_zero') WHERE NEW.quantity < 0 AND (SELECT quantity FROM stock_levels "
        "WHERE storage_id = NEW.storage_id AND product_id = NEW.product_id) < 0 "
        "AND NOT (SELECT allows_negative FROM storages WHERE id = NEW.storage_id); END"
    )
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER stock_movements_append_only_{event.lower()} BEFORE {event} ON stock_movements "
            "BEGIN SELECT RAISE(ABORT, 'stock_ledger_append_only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER stock_movements_append_only ON stock_movements")
        op.execute("DROP FUNCTION stock_movements_append_only()")
        op.execute("DROP TRIGGER stock_movements_count ON stock_movements")
        op.execute("DROP FUNCTION stock_movements_count()")
    for table in TABLES:
        op.drop_table(table)
