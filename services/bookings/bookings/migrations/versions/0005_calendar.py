"""The calendar: service lines with quantity and discount, appointment categories and colours, extra
fields, who set the visit status, group events with seats, breaks, and one rule for a staff
member's time (`staff_time`) shared by appointments, group events and breaks.

- Each live appointment (not a seat), group event and break claims its staff member's time in
  `staff_time`, written by triggers on its own table; the exclusion constraint (PostgreSQL) or a
  trigger (SQLite) `staff_time_no_overlap` refuses overlapping claims. It replaces
  `appointments_no_overlap`.
- Triggers count each group event's live seats into `seats_taken`; the CHECK
  `ck_group_events_seats` keeps it within `capacity`, and a seat of a cancelled or deleted
  event is refused (`group_event_closed`).
- The free booking labels become the company's appointment categories.
- A booking's discount (imports) is spread over its lines in proportion to their prices.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from salon_infra.types import IdType, UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DEFAULT_COLOUR = "#5b7fa6"
LIVE_SEAT = "group_event_id IS NOT NULL AND cancelled_at IS NULL AND deleted_at IS NULL"
# What each table's live rows are: those claim their staff member's time.
LIVE = "{row}.cancelled_at IS NULL AND {row}.deleted_at IS NULL"
CLAIMS = {
    "appointments": ("appointment", LIVE + " AND {row}.group_event_id IS NULL",
                     "starts_at, ends_at, staff_member_id, cancelled_at, deleted_at, group_event_id"),
    "group_events": ("group_event", LIVE,
                     "starts_at, ends_at, staff_member_id, cancelled_at, deleted_at"),
    "breaks": ("break", "{row}.removed_at IS NULL", "starts_at, ends_at, staff_member_id, removed_at"),
}  # fmt: skip
LINE_COLUMNS = (
    sa.Column("quantity", sa.Integer, nullable=False, server_default="1"),
    sa.Column("discount_percent", sa.Integer, nullable=True),
    sa.Column("discount", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("subtotal", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("total", sa.BigInteger, nullable=False, server_default="0"),
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _create_tables()
    _add_appointment_columns()
    _categories_from_labels()
    _money_on_lines()
    if postgresql:
        op.execute("ALTER TABLE appointments DROP CONSTRAINT appointments_no_overlap")
        _rules_on_postgresql()
    else:
        op.execute("DROP TRIGGER appointments_no_overlap_insert")
        op.execute("DROP TRIGGER appointments_no_overlap_update")
        _rules_on_sqlite()
    op.execute(
        "INSERT INTO staff_time (company_id, staff_member_id, starts_at, ends_at, kind, owner_id) "
        "SELECT company_id, staff_member_id, starts_at, ends_at, 'appointment', id FROM appointments "
        "WHERE cancelled_at IS NULL AND deleted_at IS NULL"
    )


def _create_tables() -> None:
    op.create_table(
        "appointment_categories",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("colour", sa.String(7), nullable=False),
        sa.UniqueConstraint("company_id", "title", name="uq_appointment_categories_title"),
    )
    op.create_table(
        "extra_field_definitions",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("options", sa.JSON, nullable=True),
        sa.Column("required", sa.Boolean, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("company_id", "code", name="uq_extra_field_definitions_code"),
    )
    op.create_table(
        "group_events",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, nullable=False),
        sa.Column("service_id", sa.BigInteger, nullable=False),
        sa.Column("service_title", sa.String(200), nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("category_id", sa.BigInteger, sa.ForeignKey("appointment_categories.id"), nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("seats_taken", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_by_kind", sa.String(10), nullable=False),
        sa.Column("created_by_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="ck_group_events_ends_after_start"),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="ck_group_events_seats"),
    )
    op.create_index("ix_group_events_company_starts", "group_events", ["company_id", "starts_at", "id"])
    op.create_index("ix_group_events_service_starts", "group_events", ["company_id", "service_id", "starts_at"])
    op.create_table(
        "breaks",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("created_by_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("removed_at", UtcDateTime(), nullable=True),
        sa.Column("removed_by_id", sa.BigInteger, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="ck_breaks_ends_after_start"),
    )
    op.create_index("ix_breaks_company_staff_starts", "breaks", ["company_id", "staff_member_id", "starts_at"])
    op.create_table(
        "staff_time",
        sa.Column("id", IdType, primary_key=True),
        sa.Column("company_id", sa.BigInteger, nullable=False),
        sa.Column("staff_member_id", sa.BigInteger, nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("owner_id", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("kind", "owner_id", name="uq_staff_time_owner"),
    )


def _add_appointment_columns() -> None:
    for column in (
        sa.Column("visit_status_changed_at", UtcDateTime(), nullable=True),
        sa.Column("visit_status_changed_by_kind", sa.String(10), nullable=True),
        sa.Column("visit_status_changed_by_id", sa.BigInteger, nullable=True),
        sa.Column("colour", sa.String(7), nullable=True),
        sa.Column("extra_fields", sa.JSON, nullable=False, server_default=sa.text("'{}'")),
    ):
        op.add_column("appointments", column)
    # SQLite adds a column with its reference only in one statement.
    op.execute("ALTER TABLE appointments ADD COLUMN category_id BIGINT "
               "REFERENCES appointment_categories (id)")  # fmt: skip
    op.execute("ALTER TABLE appointments ADD COLUMN group_event_id BIGINT REFERENCES group_events (id)")
    op.create_index("ix_appointments_category", "appointments", ["company_id", "category_id"],
                    sqlite_where=sa.text("category_id IS NOT NULL"),
                    postgresql_where=sa.text("category_id IS NOT NULL"))  # fmt: skip
    op.create_index("ix_appointments_group_event", "appointments", ["group_event_id"],
                    sqlite_where=sa.text("group_event_id IS NOT NULL"),
                    postgresql_where=sa.text("group_event_id IS NOT NULL"))  # fmt: skip
    op.create_index("uq_appointments_seat_client", "appointments", ["group_event_id", "client_id"], unique=True,
                    sqlite_where=sa.text(LIVE_SEAT), postgresql_where=sa.text(LIVE_SEAT))  # fmt: skip


def _categories_from_labels() -> None:
    op.execute(
        "INSERT INTO appointment_categories (company_id, title, colour) "
        f"SELECT DISTINCT company_id, booking_category, '{DEFAULT_COLOUR}' FROM appointments "
        "WHERE booking_category IS NOT NULL"
    )
    op.execute(
        "UPDATE appointments SET category_id = (SELECT c.id FROM appointment_categories c "
        "WHERE c.company_id = appointments.company_id AND c.title = appointments.booking_category) "
        "WHERE booking_category IS NOT NULL"
    )
    op.drop_index("ix_appointments_booking_category", "appointments")
    op.drop_column("appointments", "booking_category")


def _money_on_lines() -> None:
    for column in LINE_COLUMNS:
        op.add_column("appointment_services", column)
    op.execute("UPDATE appointment_services SET subtotal = price, total = price")
    connection = op.get_bind()
    discounted = connection.execute(sa.text("SELECT id, discount FROM appointments WHERE discount > 0")).all()
    for appointment_id, discount in discounted:
        lines = connection.execute(
            sa.text("SELECT id, price FROM appointment_services WHERE appointment_id = :id ORDER BY position"),
            {"id": appointment_id},
        ).all()
        shares = _shares(discount, [price for _, price in lines])
        for (line_id, _), share in zip(lines, shares, strict=True):
            connection.execute(
                sa.text("UPDATE appointment_services SET discount = :share, total = price - :share WHERE id = :id"),
                {"share": share, "id": line_id},
            )
    if connection.dialect.name == "postgresql":
        op.create_check_constraint(
            "ck_appointment_services_money", "appointment_services",
            "quantity > 0 AND discount >= 0 AND total = subtotal - discount",
        )  # fmt: skip


def _shares(amount: int, weights: list[int]) -> list[int]:
    """The booking's discount over its lines by price, adding up exactly, none above its line's price."""
    whole = sum(weights)
    if not weights or whole == 0:
        return [0] * len(weights)
    amount = min(amount, whole)
    shares = [amount * weight // whole for weight in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), i))
    for index in order[: amount - sum(shares)]:
        shares[index] += 1
    return shares


# ---------------------------------------------------------------- PostgreSQL


def _rules_on_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE staff_time ADD CONSTRAINT staff_time_no_overlap EXCLUDE USING gist "
        "(company_id WITH =, staff_member_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
    )
    for table, (kind, live, columns) in CLAIMS.items():
        new_is_live = live.format(row="NEW")
        op.execute(
            f"CREATE FUNCTION {table}_claim_time() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN DELETE FROM staff_time WHERE kind = '{kind}' AND owner_id = OLD.id; END IF; "
            f"IF TG_OP <> 'DELETE' AND {new_is_live} THEN "
            "INSERT INTO staff_time (company_id, staff_member_id, starts_at, ends_at, kind, owner_id) "
            f"VALUES (NEW.company_id, NEW.staff_member_id, NEW.starts_at, NEW.ends_at, '{kind}', NEW.id); END IF; "
            "RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_claim_time AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_claim_time()"
        )
    op.execute(
        "CREATE FUNCTION appointments_count_seats() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' AND OLD.group_event_id IS NOT NULL AND OLD.cancelled_at IS NULL "
        "AND OLD.deleted_at IS NULL THEN "
        "UPDATE group_events SET seats_taken = seats_taken - 1 WHERE id = OLD.group_event_id; END IF; "
        "IF TG_OP <> 'DELETE' AND NEW.group_event_id IS NOT NULL AND NEW.cancelled_at IS NULL "
        "AND NEW.deleted_at IS NULL THEN "
        "UPDATE group_events SET seats_taken = seats_taken + 1 WHERE id = NEW.group_event_id "
        "AND cancelled_at IS NULL AND deleted_at IS NULL; "
        "IF NOT FOUND THEN RAISE EXCEPTION 'group_event_closed' USING ERRCODE = 'check_violation'; END IF; "
        "END IF; RETURN NULL; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER appointments_count_seats AFTER INSERT OR DELETE OR UPDATE OF group_event_id, cancelled_at, "
        "deleted_at ON appointments FOR EACH ROW EXECUTE FUNCTION appointments_count_seats()"
    )


# ---------------------------------------------------------------- SQLite: one writer at a time, so a check inside
# the writing statement is atomic.


def _rules_on_sqlite() -> None:
    clash = (
        "SELECT RAISE(ABORT, 'staff_time_no_overlap') WHERE EXISTS (SELECT 1 FROM staff_time AS other "
        "WHERE other.company_id = NEW.company_id AND other.staff_member_id = NEW.staff_member_id "
        "AND other.id IS NOT NEW.id AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at);"
    )
    op.execute(f"CREATE TRIGGER staff_time_no_overlap_insert BEFORE INSERT ON staff_time BEGIN {clash} END")
    op.execute(f"CREATE TRIGGER staff_time_no_overlap_update BEFORE UPDATE ON staff_time BEGIN {clash} END")
    for table, (kind, live, columns) in CLAIMS.items():
        claim = (
            "INSERT INTO staff_time (company_id, staff_member_id, starts_at, ends_at, kind, owner_id) "
            f"SELECT NEW.company_id, NEW.staff_member_id, NEW.starts_at, NEW.ends_at, '{kind}', NEW.id "
            f"WHERE {live.format(row='NEW')};"
        )
        release = f"DELETE FROM staff_time WHERE kind = '{kind}' AND owner_id = OLD.id;"
        op.execute(f"CREATE TRIGGER {table}_claim_insert AFTER INSERT ON {table} BEGIN {claim} END")
        op.execute(
            f"CREATE TRIGGER {table}_claim_update AFTER UPDATE OF {columns} ON {table} BEGIN {release} {claim} END"
        )
        op.execute(f"CREATE TRIGGER {table}_claim_delete AFTER DELETE ON {table} BEGIN {release} END")
    event_closed = (
        "SELECT RAISE(ABORT, 'group_event_closed') WHERE NEW.group_event_id IS NOT NULL "
        "AND NEW.cancelled_at IS NULL AND NEW.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM group_events "
        "WHERE id = NEW.group_event_id AND cancelled_at IS NULL AND deleted_at IS NULL);"
    )
    take = (
        "UPDATE group_events SET seats_taken = seats_taken + 1 WHERE id = NEW.group_event_id "
        "AND NEW.cancelled_at IS NULL AND NEW.deleted_at IS NULL;"
    )
    give_back = (
        "UPDATE group_events SET seats_taken = seats_taken - 1 WHERE id = OLD.group_event_id "
        "AND OLD.cancelled_at IS NULL AND OLD.deleted_at IS NULL;"
    )
    op.execute(f"CREATE TRIGGER appointments_seat_insert AFTER INSERT ON appointments BEGIN {event_closed} {take} END")
    op.execute(
        "CREATE TRIGGER appointments_seat_update AFTER UPDATE OF group_event_id, cancelled_at, deleted_at "
        f"ON appointments BEGIN {give_back} {event_closed} {take} END"
    )
    op.execute(f"CREATE TRIGGER appointments_seat_delete AFTER DELETE ON appointments BEGIN {give_back} END")


# ---------------------------------------------------------------- down again


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER appointments_count_seats ON appointments")
        op.execute("DROP FUNCTION appointments_count_seats()")
        for table in CLAIMS:
            op.execute(f"DROP TRIGGER {table}_claim_time ON {table}")
            op.execute(f"DROP FUNCTION {table}_claim_time()")
    else:
        for name in ("seat_insert", "seat_update", "seat_delete"):
            op.execute(f"DROP TRIGGER appointments_{name}")
        for table in CLAIMS:
            for name in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_claim_{name}")
    op.drop_table("staff_time")
    op.add_column("appointments", sa.Column("booking_category", sa.String(50), nullable=True))
    op.execute(
        "UPDATE appointments SET booking_category = (SELECT substr(c.title, 1, 50) FROM appointment_categories c "
        "WHERE c.id = appointments.category_id) WHERE category_id IS NOT NULL"
    )
    op.create_index("ix_appointments_booking_category", "appointments", ["company_id", "booking_category"],
                    sqlite_where=sa.text("booking_category IS NOT NULL"),
                    postgresql_where=sa.text("booking_category IS NOT NULL"))  # fmt: skip
    for index in ("uq_appointments_seat_client", "ix_appointments_group_event", "ix_appointments_category"):
        op.drop_index(index, "appointments")
    if postgresql:
        op.drop_constraint("ck_appointment_services_money", "appointment_services", type_="check")
    # SQLite drops a column that references another table only by copying the table.
    with op.batch_alter_table("appointments") as batch:
        for column in ("group_event_id", "category_id", "extra_fields", "colour", "visit_status_changed_by_id",
                       "visit_status_changed_by_kind", "visit_status_changed_at"):  # fmt: skip
            batch.drop_column(column)
    for column in reversed(LINE_COLUMNS):
        op.drop_column("appointment_services", column.name)
    op.drop_table("breaks")
    op.drop_table("group_events")
    op.drop_table("extra_field_definitions")
    op.drop_table("appointment_categories")
    if postgresql:
        op.execute(
            "ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist "
            "(company_id WITH =, staff_member_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (cancelled_at IS NULL AND deleted_at IS NULL)"
        )
    else:
        clash = (
            "SELECT RAISE(ABORT, 'appointments_no_overlap') WHERE EXISTS ("
            "SELECT 1 FROM appointments AS other WHERE other.company_id = NEW.company_id "
            "AND other.staff_member_id = NEW.staff_member_id AND other.id IS NOT NEW.id "
            "AND other.cancelled_at IS NULL AND other.deleted_at IS NULL "
            "AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at);"
        )
        live = "WHEN NEW.cancelled_at IS NULL AND NEW.deleted_at IS NULL"
        op.execute(
            f"CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments {live} BEGIN {clash} END"
        )
        op.execute(
            "CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF starts_at, ends_at, staff_member_id, "
            f"cancelled_at, deleted_at ON appointments {live} BEGIN {clash} END"
        )
