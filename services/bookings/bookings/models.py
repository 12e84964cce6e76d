"""The bookings database: its tables, and the domain's classes mapped onto them (imperative
mapping, so bookings.domain knows nothing of SQLAlchemy).

The database keeps two rules itself, for every write path, ORM or hand-written SQL (migration 0005):
- **No overlaps.** Live appointments (not seats), group events and breaks each claim their staff
  member's time in `staff_time`, written by triggers on their tables; PostgreSQL refuses
  overlapping claims with an exclusion constraint, SQLite with a trigger, both named NO_OVERLAP.
- **No overbooking.** Triggers count each group event's live seats into `seats_taken`, which a
  CHECK keeps within `capacity` (SEATS_FULL); a seat of a cancelled event is refused (EVENT_CLOSED).
"""

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
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
    func,
    text,
)
from sqlalchemy.orm import registry, relationship

from bookings.domain.model import Appointment, AppointmentCategory, Break, GroupEvent, ServiceLine
from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime

NO_OVERLAP = "staff_time_no_overlap"
SEATS_FULL = "ck_group_events_seats"
EVENT_CLOSED = "group_event_closed"
ONE_SEAT_EACH = "uq_appointments_seat_client"
ONE_SEAT_EACH_ON_SQLITE = "appointments.group_event_id, appointments.client_id"  # SQLite names the columns
KINDS_OF_TIME = ("appointment", "group_event", "break")

metadata = MetaData()
outbox.add_tables(metadata)

LIVE = text("cancelled_at IS NULL AND deleted_at IS NULL")

appointment_categories = Table(
    "appointment_categories",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("title", String(100), nullable=False),
    Column("colour", String(7), nullable=False),
    UniqueConstraint("company_id", "title", name="uq_appointment_categories_title"),
)

extra_field_definitions = Table(
    "extra_field_definitions",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("code", String(50), nullable=False),
    Column("title", String(100), nullable=False),
    Column("type", String(10), nullable=False),
    Column("options", JSON, nullable=True),
    Column("required", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("company_id", "code", name="uq_extra_field_definitions_code"),
)

group_events = Table(
    "group_events",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("staff_member_id", BigInteger, nullable=False),
    Column("service_id", BigInteger, nullable=False),
    Column("service_title", String(200), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("title", String(200), nullable=True),
    Column("category_id", BigInteger, ForeignKey("appointment_categories.id"), nullable=True),
    Column("comment", Text, nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("seats_taken", Integer, nullable=False, server_default="0"),
    Column("created_by_kind", String(10), nullable=False),
    Column("created_by_id", BigInteger, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("cancelled_at", UtcDateTime(), nullable=True),
    Column("deleted_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False),
    CheckConstraint("ends_at > starts_at", name="ck_group_events_ends_after_start"),
    CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name=SEATS_FULL),
    Index("ix_group_events_company_starts", "company_id", "starts_at", "id"),
    Index("ix_group_events_service_starts", "company_id", "service_id", "starts_at"),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("client_id", BigInteger, nullable=False),
    Column("staff_member_id", BigInteger, nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("comment", Text, nullable=False),
    Column("source", String(10), nullable=False),
    Column("created_by_kind", String(10), nullable=False),
    Column("created_by_id", BigInteger, nullable=False),
    Column("visit_status", String(10), nullable=False),
    Column("visit_status_changed_at", UtcDateTime(), nullable=True),
    Column("visit_status_changed_by_kind", String(10), nullable=True),
    Column("visit_status_changed_by_id", BigInteger, nullable=True),
    Column("cancelled_at", UtcDateTime(), nullable=True),
    Column("cancelled_by_kind", String(10), nullable=True),
    Column("cancelled_by_id", BigInteger, nullable=True),
    Column("cancel_reason", String(500), nullable=True),
    Column("deleted_at", UtcDateTime(), nullable=True),
    Column("deleted_by_id", BigInteger, nullable=True),
    Column("client_name", String(200), nullable=True),  # as it was when booked
    Column("client_phone", String(16), nullable=True),  # E.164, as it was when booked
    Column("client_email", String(254), nullable=True),  # as the booking carries it
    Column("category_id", BigInteger, ForeignKey("appointment_categories.id"), nullable=True),
    Column("colour", String(7), nullable=True),
    Column("extra_fields", JSON, nullable=False, server_default=text("'{}'")),
    Column("group_event_id", BigInteger, ForeignKey("group_events.id"), nullable=True),
    Column("import_key", String(64), nullable=True),
    Column("idempotency_key", String(100), nullable=True),
    Column("request_fingerprint", String(64), nullable=True),
    Column("prepayment_required", Boolean, nullable=False, server_default=false()),
    Column("total_price", BigInteger, nullable=False, server_default="0"),  # the lines' totals added up
    Column("discount", BigInteger, nullable=False, server_default="0"),  # the lines' discounts added up
    # payments' copy of the visit's bill (its bill_changed events, the newest bill_version kept)
    Column("paid_amount", BigInteger, nullable=False, server_default="0"),
    Column("sales_total", BigInteger, nullable=False, server_default="0"),
    Column("bill_version", Integer, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    CheckConstraint("ends_at > starts_at", name="ck_appointments_ends_after_start"),
    UniqueConstraint("company_id", "idempotency_key", name="uq_appointments_idempotency_key"),
    Index("ix_appointments_company_starts", "company_id", "starts_at", "id"),
    Index("ix_appointments_company_created", "company_id", "created_at", "id"),
    Index("ix_appointments_status_created", "company_id", "visit_status", "created_at", "id"),
    Index("ix_appointments_status_starts", "company_id", "visit_status", "starts_at", "id"),
    Index("ix_appointments_staff_starts", "company_id", "staff_member_id", "starts_at"),
    Index("ix_appointments_client", "company_id", "client_id"),
    Index("uq_appointments_import_key", "company_id", "import_key", unique=True),
    Index(
        "ix_appointments_category",
        "company_id",
        "category_id",
        sqlite_where=text("category_id IS NOT NULL"),
        postgresql_where=text("category_id IS NOT NULL"),
    ),
    Index(
        "ix_appointments_group_event",
        "group_event_id",
        sqlite_where=text("group_event_id IS NOT NULL"),
        postgresql_where=text("group_event_id IS NOT NULL"),
    ),
    # A client takes at most one live seat of an event.
    Index(
        ONE_SEAT_EACH,
        "group_event_id",
        "client_id",
        unique=True,
        sqlite_where=text("group_event_id IS NOT NULL AND cancelled_at IS NULL AND deleted_at IS NULL"),
        postgresql_where=text("group_event_id IS NOT NULL AND cancelled_at IS NULL AND deleted_at IS NULL"),
    ),
)

appointment_services = Table(
    "appointment_services",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("appointment_id", IdType, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("company_id", BigInteger, nullable=False),
    Column("service_id", BigInteger, nullable=False),
    Column("title", String(200), nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("price", BigInteger, nullable=False),  # of one
    Column("quantity", Integer, nullable=False, server_default="1"),
    Column("discount_percent", Integer, nullable=True),  # hundredths of a percent
    Column("discount", BigInteger, nullable=False, server_default="0"),  # minor units off the line
    Column("subtotal", BigInteger, nullable=False, server_default="0"),
    Column("total", BigInteger, nullable=False, server_default="0"),
    Column("category_id", BigInteger, nullable=True),
    Column("position", Integer, nullable=False),
    CheckConstraint(
        "quantity > 0 AND discount >= 0 AND total = subtotal - discount", name="ck_appointment_services_money"
    ),
    Index("ix_appointment_services_category", "company_id", "category_id", "appointment_id"),
)

breaks = Table(
    "breaks",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("staff_member_id", BigInteger, nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("note", String(200), nullable=True),
    Column("created_by_id", BigInteger, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("removed_at", UtcDateTime(), nullable=True),
    Column("removed_by_id", BigInteger, nullable=True),
    Column("version", Integer, nullable=False),
    CheckConstraint("ends_at > starts_at", name="ck_breaks_ends_after_start"),
    Index("ix_breaks_company_staff_starts", "company_id", "staff_member_id", "starts_at"),
)

staff_time = Table(
    "staff_time",
    metadata,
    Column("id", IdType, primary_key=True),
    Column("company_id", BigInteger, nullable=False),
    Column("staff_member_id", BigInteger, nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("kind", String(12), nullable=False),  # appointment, group_event, break
    Column("owner_id", BigInteger, nullable=False),  # that record's id
    UniqueConstraint("kind", "owner_id", name="uq_staff_time_owner"),
)

_mappers = registry(metadata=metadata)
_mappers.map_imperatively(ServiceLine, appointment_services)
_mappers.map_imperatively(
    Appointment,
    appointments,
    properties={
        "services": relationship(
            ServiceLine,
            order_by=appointment_services.c.position,
            cascade="all, delete-orphan",
            lazy="selectin",
            backref="appointment",
        )
    },
)
_mappers.map_imperatively(GroupEvent, group_events)
_mappers.map_imperatively(Break, breaks)
_mappers.map_imperatively(AppointmentCategory, appointment_categories)


@event.listens_for(ServiceLine, "before_insert")
def _line_of_its_company(_mapper, _connection, line) -> None:
    """Each line carries its appointment's company, so every query on lines can be scoped by it."""
    line.company_id = line.appointment.company_id


# Partial matches (LIKE '%anna%') on the client's name or phone, on PostgreSQL only (pg_trgm); one
# GIN index serves either column alone. Being expression-based, autogenerate skips it on SQLite.
Index(
    "ix_appointments_client_trgm",
    func.lower(appointments.c.client_name).label("client_name_lower"),
    appointments.c.client_phone,
    postgresql_using="gin",
    postgresql_ops={"client_name_lower": "gin_trgm_ops", "client_phone": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
