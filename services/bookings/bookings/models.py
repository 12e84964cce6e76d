from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bookings.domain.appointments import payment_status, state_of
from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime

# The database refuses overlapping live appointments of one staff member: on PostgreSQL
# by this exclusion constraint, on SQLite by triggers raising this name (see migration 0001).
NO_OVERLAP = "appointments_no_overlap"


class Base(DeclarativeBase):
    pass


outbox.add_tables(Base.metadata)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
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
            "ix_appointments_booking_category",
            "company_id",
            "booking_category",
            sqlite_where=text("booking_category IS NOT NULL"),
            postgresql_where=text("booking_category IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    client_id: Mapped[int] = mapped_column(BigInteger)
    staff_member_id: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    comment: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10))
    created_by_kind: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int] = mapped_column(BigInteger)
    visit_status: Mapped[str] = mapped_column(String(10), default="pending")
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_by_kind: Mapped[str | None] = mapped_column(String(10))
    cancelled_by_id: Mapped[int | None] = mapped_column(BigInteger)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(BigInteger)
    client_name: Mapped[str | None] = mapped_column(String(200))  # as it was when booked
    client_phone: Mapped[str | None] = mapped_column(String(16))  # E.164, as it was when booked
    booking_category: Mapped[str | None] = mapped_column(String(50))
    import_key: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    prepayment_required: Mapped[bool] = mapped_column(Boolean, server_default=false())
    total_price: Mapped[int] = mapped_column(BigInteger, server_default="0")  # minor units, the lines' sum
    discount: Mapped[int] = mapped_column(BigInteger, server_default="0")  # minor units, off total_price
    paid_amount: Mapped[int] = mapped_column(BigInteger, server_default="0")  # minor units
    refund_status: Mapped[str | None] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    services: Mapped[list["AppointmentService"]] = relationship(
        order_by="AppointmentService.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def state(self) -> str:
        return state_of(self.cancelled_at, self.deleted_at)

    @property
    def created_by(self) -> dict:
        return {"kind": self.created_by_kind, "id": self.created_by_id}

    @property
    def cancelled_by(self) -> dict | None:
        return None if self.cancelled_by_kind is None else {"kind": self.cancelled_by_kind, "id": self.cancelled_by_id}

    @property
    def payment_status(self) -> str:
        return payment_status(self.total_price, self.paid_amount)


class AppointmentService(Base):
    """A service performed in an appointment, with its title, length and price as booked."""

    __tablename__ = "appointment_services"
    __table_args__ = (Index("ix_appointment_services_category", "company_id", "category_id", "appointment_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    service_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(BigInteger)
    category_id: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer)


# Partial matches (LIKE '%anna%') on the client's name or phone, on PostgreSQL only (pg_trgm); one
# GIN index serves either column alone. Being expression-based, autogenerate skips it on SQLite.
Index(
    "ix_appointments_client_trgm",
    func.lower(Appointment.client_name).label("client_name_lower"),
    Appointment.client_phone,
    postgresql_using="gin",
    postgresql_ops={"client_name_lower": "gin_trgm_ops", "client_phone": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
