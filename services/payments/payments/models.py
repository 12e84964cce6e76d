"""The payments database: its tables, and the domain's classes mapped onto them (imperative mapping,
so payments.domain knows nothing of SQLAlchemy).

The database keeps these rules itself, for every write path (migration 0002):
- **Stock is what the ledger adds up to.** A trigger adds each new `stock_movements` row to its
  `stock_levels` row (one row lock per product and storage, so concurrent movements queue) and
  refuses one that takes a storage without negative stock below zero (STOCK_BELOW_ZERO). The
  ledger is append-only (LEDGER_APPEND_ONLY), and a movement is reversed at most once (a unique
  index on `reverses_id`).
- **Money stays in bounds.** CHECKs keep a bill's total the sum of its parts and its paid amount
  positive, a gift card's balance between zero and its face value (and a single-use card to one
  use), a membership's uses left between zero and its uses; one default cash desk of each kind
  per company and one code per company among memberships and gift cards (`card_codes`).
"""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import registry, relationship

from payments.domain.cards import GiftCard, GiftCardType, Membership, MembershipType
from payments.domain.model import Bill, BillLine, BillOfMaterials, CashDesk, Consumable, Payment, ProductSale
from payments.domain.stock import Product, StockMovement, Storage
from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime

STOCK_BELOW_ZERO = "stock_below_zero"
LEDGER_APPEND_ONLY = "stock_ledger_append_only"
ONE_REVERSAL = "uq_stock_movements_reverses"
ONE_DEFAULT_DESK = "uq_cash_desks_default"
CODE_TAKEN = "card_codes"
GIFT_CARD_BALANCE = "ck_gift_cards_balance"
MEMBERSHIP_USES = "ck_memberships_uses"


def _now() -> datetime:
    return datetime.now(UTC)


metadata = MetaData()
outbox.add_tables(metadata)


def _money(name: str, **kwargs) -> Column:
    return Column(name, BigInteger, nullable=False, server_default="0", **kwargs)


cash_desks = Table(
    "cash_desks",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("title", String(100), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, default=_now),
    CheckConstraint("kind IN ('cash', 'non_cash')", name="ck_cash_desks_kind"),
    UniqueConstraint("company_id", "title", name="uq_cash_desks_title"),
    Index(ONE_DEFAULT_DESK, "company_id", "kind", unique=True,
          sqlite_where=text("is_default"), postgresql_where=text("is_default")),
)  # fmt: skip

products = Table(
    "products",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("title", String(200), nullable=False),
    Column("article", String(64), nullable=True),
    Column("barcode", String(64), nullable=True),
    Column("unit", String(10), nullable=False),
    _money("sale_price"),
    _money("cost_price"),
    Column("category", String(100), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, default=_now),
    CheckConstraint("sale_price >= 0 AND cost_price >= 0", name="ck_products_prices"),
    Index("ix_products_company_title", "company_id", "title"),
    Index("uq_products_article", "company_id", "article", unique=True,
          sqlite_where=text("article IS NOT NULL"), postgresql_where=text("article IS NOT NULL")),
    Index("uq_products_barcode", "company_id", "barcode", unique=True,
          sqlite_where=text("barcode IS NOT NULL"), postgresql_where=text("barcode IS NOT NULL")),
)  # fmt: skip

storages = Table(
    "storages",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("title", String(100), nullable=False),
    Column("for_sale", Boolean, nullable=False),
    Column("for_services", Boolean, nullable=False),
    Column("allows_negative", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    CheckConstraint("for_sale OR for_services", name="ck_storages_purpose"),
    UniqueConstraint("company_id", "title", name="uq_storages_title"),
)

stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("storage_id", BigInteger, ForeignKey("storages.id"), nullable=False),
    Column("product_id", BigInteger, ForeignKey("products.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("quantity", BigInteger, nullable=False),  # signed: what it adds to the stock
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by_id", BigInteger, nullable=True),
    Column("note", String(500), nullable=True),
    Column("reverses_id", BigInteger, ForeignKey("stock_movements.id"), nullable=True),
    CheckConstraint("quantity <> 0", name="ck_stock_movements_quantity"),
    Index(ONE_REVERSAL, "reverses_id", unique=True),
    Index("ix_stock_movements_product", "company_id", "product_id", "id"),
    Index("ix_stock_movements_storage", "company_id", "storage_id", "id"),
)

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("storage_id", BigInteger, ForeignKey("storages.id"), nullable=False),
    Column("product_id", BigInteger, ForeignKey("products.id"), nullable=False),
    Column("company_id", BigInteger, nullable=False),
    Column("quantity", BigInteger, nullable=False),  # written by the ledger's trigger only
    PrimaryKeyConstraint("storage_id", "product_id", name="pk_stock_levels"),
    Index("ix_stock_levels_product", "company_id", "product_id"),
)

bills = Table(
    "bills",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("appointment_id", BigInteger, nullable=False),
    Column("client_id", BigInteger, nullable=False),
    Column("staff_member_id", BigInteger, nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("appointment_state", String(10), nullable=False),
    Column("appointment_version", Integer, nullable=False),
    _money("services_total"),
    _money("sales_total"),
    _money("total"),
    _money("paid"),
    Column("refund_status", String(30), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    CheckConstraint(
        "services_total >= 0 AND sales_total >= 0 AND total = services_total + sales_total AND paid >= 0",
        name="ck_bills_money",
    ),
    UniqueConstraint("company_id", "appointment_id", name="uq_bills_appointment"),
)

bill_lines = Table(
    "bill_lines",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("bill_id", BigInteger, ForeignKey("bills.id", ondelete="CASCADE"), nullable=False),
    Column("company_id", BigInteger, nullable=False),
    Column("line_id", BigInteger, nullable=False),  # bookings' service line
    Column("service_id", BigInteger, nullable=False),
    Column("title", String(200), nullable=False),
    Column("category_id", BigInteger, nullable=True),
    _money("price"),
    Column("quantity", Integer, nullable=False),
    _money("discount"),
    _money("total"),
    Column("position", Integer, nullable=False),
    UniqueConstraint("bill_id", "line_id", name="uq_bill_lines_line"),
)

membership_types = Table(
    "membership_types",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("title", String(200), nullable=False),
    _money("price"),
    Column("uses", Integer, nullable=False),
    Column("validity_days", Integer, nullable=False),
    Column("service_ids", JSON, nullable=False),
    Column("category_ids", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    UniqueConstraint("company_id", "title", name="uq_membership_types_title"),
)

gift_card_types = Table(
    "gift_card_types",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("title", String(200), nullable=False),
    _money("face_value"),
    _money("price"),
    Column("multiple_use", Boolean, nullable=False),
    Column("pays_for", String(10), nullable=False),
    Column("validity_days", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    UniqueConstraint("company_id", "title", name="uq_gift_card_types_title"),
)

card_codes = Table(
    "card_codes",
    metadata,
    Column("company_id", BigInteger, nullable=False),
    Column("code", String(32), nullable=False),
    Column("kind", String(10), nullable=False),
    PrimaryKeyConstraint("company_id", "code", name="pk_card_codes"),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("type_id", BigInteger, ForeignKey("membership_types.id"), nullable=False),
    Column("code", String(32), nullable=False),
    Column("title", String(200), nullable=False),
    Column("client_id", BigInteger, nullable=False),
    Column("bill_id", BigInteger, ForeignKey("bills.id"), nullable=True),
    _money("price"),
    Column("uses_total", Integer, nullable=False),
    Column("uses_left", Integer, nullable=False),
    Column("service_ids", JSON, nullable=False),
    Column("category_ids", JSON, nullable=False),
    Column("sold_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("paid_at", UtcDateTime(), nullable=True),  # usable once its bill's money covers it
    Column("voided_at", UtcDateTime(), nullable=True),
    Column("voided_by_id", BigInteger, nullable=True),
    CheckConstraint("uses_left >= 0 AND uses_left <= uses_total", name=MEMBERSHIP_USES),
    UniqueConstraint("company_id", "code", name="uq_memberships_code"),
    Index("ix_memberships_bill", "bill_id"),
)

gift_cards = Table(
    "gift_cards",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("type_id", BigInteger, ForeignKey("gift_card_types.id"), nullable=False),
    Column("code", String(32), nullable=False),
    Column("title", String(200), nullable=False),
    Column("client_id", BigInteger, nullable=False),
    Column("bill_id", BigInteger, ForeignKey("bills.id"), nullable=True),
    _money("price"),
    _money("face_value"),
    _money("balance"),
    Column("uses", Integer, nullable=False),
    Column("multiple_use", Boolean, nullable=False),
    Column("pays_for", String(10), nullable=False),
    Column("sold_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("paid_at", UtcDateTime(), nullable=True),  # usable once its bill's money covers it
    Column("voided_at", UtcDateTime(), nullable=True),
    Column("voided_by_id", BigInteger, nullable=True),
    CheckConstraint(
        "balance >= 0 AND balance <= face_value AND uses >= 0 AND (multiple_use OR uses <= 1)", name=GIFT_CARD_BALANCE
    ),
    UniqueConstraint("company_id", "code", name="uq_gift_cards_code"),
    Index("ix_gift_cards_bill", "bill_id"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("bill_id", BigInteger, ForeignKey("bills.id"), nullable=False),
    Column("method", String(20), nullable=False),
    _money("amount"),
    Column("cash_desk_id", BigInteger, ForeignKey("cash_desks.id"), nullable=True),
    Column("gift_card_id", BigInteger, ForeignKey("gift_cards.id"), nullable=True),
    Column("membership_id", BigInteger, ForeignKey("memberships.id"), nullable=True),
    Column("membership_uses", Integer, nullable=False, server_default="0"),
    Column("covered_units", JSON, nullable=False, server_default=text("'[]'")),
    Column("pays_for", String(10), nullable=True),
    Column("code", String(32), nullable=True),
    Column("taken_at", UtcDateTime(), nullable=False),
    Column("taken_by_id", BigInteger, nullable=True),
    Column("deleted_at", UtcDateTime(), nullable=True),
    Column("deleted_by_id", BigInteger, nullable=True),
    CheckConstraint("amount > 0", name="ck_payments_amount"),
    CheckConstraint(
        "(method IN ('cash', 'card') AND cash_desk_id IS NOT NULL) "
        "OR (method = 'gift_card' AND gift_card_id IS NOT NULL) "
        "OR (method = 'membership' AND membership_id IS NOT NULL) OR method = 'carried_over'",
        name="ck_payments_source",
    ),
    Index("ix_payments_bill", "bill_id"),
    Index("ix_payments_company_taken", "company_id", "taken_at"),
    Index("ix_payments_company_deleted", "company_id", "deleted_at"),
    Index("uq_payments_carried_over", "bill_id", unique=True,
          sqlite_where=text("method = 'carried_over'"), postgresql_where=text("method = 'carried_over'")),
)  # fmt: skip


def _reversible(name: str, *columns) -> Table:
    """product_sales and consumables: each a stock movement, and the one that takes it back."""
    return Table(
        name,
        metadata,
        Column("id", IdType, primary_key=True),
        Column("company_id", BigInteger, nullable=False),
        Column("bill_id", BigInteger, ForeignKey("bills.id"), nullable=False),
        Column("product_id", BigInteger, ForeignKey("products.id"), nullable=False),
        Column("storage_id", BigInteger, ForeignKey("storages.id"), nullable=False),
        Column("title", String(200), nullable=False),
        Column("unit", String(10), nullable=False),
        Column("quantity", Integer, nullable=False),
        *columns,
        Column("created_at", UtcDateTime(), nullable=False),
        Column("created_by_id", BigInteger, nullable=True),
        Column("removed_at", UtcDateTime(), nullable=True),
        Column("removed_by_id", BigInteger, nullable=True),
        Column("movement_id", BigInteger, ForeignKey("stock_movements.id"), nullable=False),
        Column("return_movement_id", BigInteger, ForeignKey("stock_movements.id"), nullable=True),
        CheckConstraint("quantity > 0", name=f"ck_{name}_quantity"),
        Index(f"ix_{name}_bill", "bill_id"),
    )


product_sales = _reversible(
    "product_sales",
    Column("staff_member_id", BigInteger, nullable=True),
    _money("price"),
    Column("discount_percent", Integer, nullable=True),
    _money("discount"),
    _money("subtotal"),
    _money("total"),
    CheckConstraint("discount >= 0 AND total = subtotal - discount", name="ck_product_sales_money"),
)

consumables = _reversible(
    "consumables",
    Column("line_id", BigInteger, nullable=False),
    Column("from_bill_of_materials", Boolean, nullable=False),
)

bills_of_materials = Table(
    "bills_of_materials",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("service_id", BigInteger, nullable=False),
    Column("staff_member_id", BigInteger, nullable=True),
    Column("items", JSON, nullable=False),
    Index("uq_bills_of_materials_service", "company_id", "service_id", unique=True,
          sqlite_where=text("staff_member_id IS NULL"), postgresql_where=text("staff_member_id IS NULL")),
    Index("uq_bills_of_materials_staff", "company_id", "service_id", "staff_member_id", unique=True,
          sqlite_where=text("staff_member_id IS NOT NULL"), postgresql_where=text("staff_member_id IS NOT NULL")),
)  # fmt: skip

idempotent_requests = Table(
    "idempotent_requests",
    metadata,
    Column("company_id", BigInteger, nullable=False),
    Column("key", String(100), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("answer", Text, nullable=False),  # the first answer, as JSON, to replay
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("company_id", "key", name="pk_idempotent_requests"),
)

# A visit being deleted by a user who may not delete paid visits: payments asked for its bill's paid
# amount and found nothing paid; until `until` (or the deletion's event) it takes no payment, so
# nothing can be paid between that answer and bookings' deletion (handlers/holds.py).
deletion_holds = Table(
    "deletion_holds",
    metadata,
    Column("company_id", BigInteger, nullable=False),
    Column("appointment_id", BigInteger, nullable=False),
    Column("until", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("company_id", "appointment_id", name="pk_deletion_holds"),
)

_mappers = registry(metadata=metadata)
for domain_class, table in (
    (CashDesk, cash_desks),
    (Product, products),
    (Storage, storages),
    (StockMovement, stock_movements),
    (BillLine, bill_lines),
    (Payment, payments),
    (MembershipType, membership_types),
    (GiftCardType, gift_card_types),
    (Membership, memberships),
    (GiftCard, gift_cards),
    (BillOfMaterials, bills_of_materials),
):
    _mappers.map_imperatively(domain_class, table)


def _moves(table: Table) -> dict:
    """A sale's or consumable's stock movements, read only when it is taken back (not for every bill)."""
    return {
        "movement": relationship(StockMovement, foreign_keys=[table.c.movement_id]),
        "return_movement": relationship(StockMovement, foreign_keys=[table.c.return_movement_id]),
    }


_mappers.map_imperatively(ProductSale, product_sales, properties=_moves(product_sales))
_mappers.map_imperatively(Consumable, consumables, properties=_moves(consumables))
# Every change to a bill bumps its version (the domain's touch()), and the UPDATE names the version it
# read: a change made by hand-written code that skipped the row lock still cannot overwrite another.
_mappers.map_imperatively(
    Bill,
    bills,
    version_id_col=bills.c.version,
    version_id_generator=False,
    properties={
        "lines": relationship(BillLine, order_by=bill_lines.c.position, cascade="all, delete-orphan", lazy="selectin"),
        "payments": relationship(Payment, order_by=payments.c.id, lazy="selectin"),
        "product_sales": relationship(ProductSale, order_by=product_sales.c.id, lazy="selectin"),
        "consumables": relationship(Consumable, order_by=consumables.c.id, lazy="selectin"),
        "memberships_sold": relationship(Membership, order_by=memberships.c.id, lazy="selectin"),
        "gift_cards_sold": relationship(GiftCard, order_by=gift_cards.c.id, lazy="selectin"),
    },
)
