"""The scheduling service's tables. Every row belongs to one company; wall-clock times are
local to the company's time zone, instants are UTC."""

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime


class Base(DeclarativeBase):
    pass


outbox.add_tables(Base.metadata)


class Company(Base):
    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint("slot_step_minutes > 0", name="ck_companies_slot_step"),
        Index("uq_companies_signup_key", "signup_key", unique=True),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    country: Mapped[str] = mapped_column(String(2))
    slot_step_minutes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The accounts service's key for the signup that made the company: a repeat makes no second one,
    # and a signup that could not finish discards its company by it.
    signup_key: Mapped[str | None] = mapped_column(String(36))
    # Bumped by triggers on every change to the company's schedule (migration 0002) and to
    # its busy times (0003), so in-memory copies are used only while current.
    schedule_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    busy_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # "Settings > Appointment calendar": whether client cards show these name fields.
    last_name_field_enabled: Mapped[bool] = mapped_column(Boolean, server_default=false())
    middle_name_field_enabled: Mapped[bool] = mapped_column(Boolean, server_default=false())


class SlotTimingColumns:
    """A staff member's or a service's own slot timing (minutes); NULL inherits the company's."""

    search_interval_minutes: Mapped[int | None] = mapped_column(Integer)
    display_interval_minutes: Mapped[int | None] = mapped_column(Integer)
    search_from_minute: Mapped[int | None] = mapped_column(Integer)
    search_until_minute: Mapped[int | None] = mapped_column(Integer)


class OnlineBookingSettings(Base):
    """How clients book online; a company without a row has the defaults (see domain.online_booking)."""

    __tablename__ = "online_booking_settings"

    company_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("companies.id"), primary_key=True)
    display_interval_minutes: Mapped[int | None] = mapped_column(Integer)
    search_from_minute: Mapped[int] = mapped_column(Integer, default=0)
    search_until_minute: Mapped[int] = mapped_column(Integer, default=23 * 60 + 59)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    change_cutoff_minutes: Mapped[int] = mapped_column(Integer, default=0)
    comment_field: Mapped[str] = mapped_column(String(10), default="optional")
    comment_label: Mapped[str] = mapped_column(String(60), default="Appointment comment")
    email_field: Mapped[str] = mapped_column(String(10), default="optional")
    last_name_field: Mapped[str] = mapped_column(String(10), default="hidden")
    middle_name_field: Mapped[str] = mapped_column(String(10), default="hidden")
    contact_step_message: Mapped[str] = mapped_column(String(1000), default="")
    any_specialist: Mapped[bool] = mapped_column(Boolean, default=True)
    online_staff_member_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("staff_members.id"))
    sms_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    push_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    push_requires_login: Mapped[bool] = mapped_column(Boolean, default=False)
    online_payment: Mapped[bool] = mapped_column(Boolean, default=False)


class IdentityMovedOut(Base):
    """The highest user and role ids this service handed out before users and roles moved to the
    accounts service (migration 0007): one row, which accounts asks for (identity_high_water) to keep
    its own new ids above them."""

    __tablename__ = "identity_moved_out"
    __table_args__ = (CheckConstraint("id = 1", name="ck_identity_moved_out_one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    roles_high_water: Mapped[int] = mapped_column(BigInteger)
    users_high_water: Mapped[int] = mapped_column(BigInteger)
    moved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StaffMember(SlotTimingColumns, Base):
    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    bookable_online: Mapped[bool] = mapped_column(Boolean)
    # "Skip choosing specialist": in the pool of an "any specialist" booking.
    in_any_specialist_pool: Mapped[bool] = mapped_column(Boolean, server_default=true())
    prepayment: Mapped[str] = mapped_column(String(10), server_default="none")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    assignments: Mapped[list["StaffService"]] = relationship(
        viewonly=True, lazy="selectin", order_by="StaffService.service_id"
    )

    @property
    def service_ids(self) -> list[int]:
        return [assignment.service_id for assignment in self.assignments]


class ServiceCategory(Base):
    __tablename__ = "service_categories"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("companies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))


class Service(SlotTimingColumns, Base):
    """What a client books. Prices are integer minor units of the company's currency."""

    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="ck_services_duration"),
        CheckConstraint("price_min >= 0 AND price_max >= price_min", name="ck_services_prices"),
        CheckConstraint("group_capacity BETWEEN 1 AND 500", name="ck_services_group_capacity"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("companies.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("service_categories.id"))
    title: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    price_min: Mapped[int] = mapped_column(BigInteger)
    price_max: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean)
    bookable_online: Mapped[bool] = mapped_column(Boolean)
    prepayment: Mapped[str] = mapped_column(String(10), server_default="none")
    # A group service: clients take seats of its events, this many by default. NULL: an individual one.
    group_capacity: Mapped[int | None] = mapped_column(Integer)

    staff: Mapped[list["StaffService"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="StaffService.staff_member_id"
    )


class StaffService(Base):
    """Who performs what; `duration_minutes` overrides the service's duration for this staff member."""

    __tablename__ = "staff_services"
    __table_args__ = (Index("ix_staff_services_company_service", "company_id", "service_id"),)

    company_id: Mapped[int] = mapped_column(BigInteger)
    staff_member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("staff_members.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("services.id"), primary_key=True)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)


class WeeklyHours(Base):
    """One shift or break of a staff member's weekly pattern (weekday 0 = Monday)."""

    __tablename__ = "weekly_hours"
    __table_args__ = (
        Index("ix_weekly_hours_company_staff", "company_id", "staff_member_id"),
        CheckConstraint("start_time < end_time", name="ck_weekly_hours_order"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    staff_member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("staff_members.id"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(5))  # "shift" or "break"
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class DateOverride(Base):
    """A date whose plan replaces the weekly one; without shifts it is a day off."""

    __tablename__ = "date_overrides"
    __table_args__ = (UniqueConstraint("staff_member_id", "on_date", name="uq_date_overrides_staff_date"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    staff_member_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("staff_members.id"))
    on_date: Mapped[date] = mapped_column(Date)

    spans: Mapped[list["DateOverrideSpan"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DateOverrideSpan.start_time"
    )


class DateOverrideSpan(Base):
    __tablename__ = "date_override_spans"
    __table_args__ = (CheckConstraint("start_time < end_time", name="ck_date_override_spans_order"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    date_override_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("date_overrides.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(5))  # "shift" or "break"
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class BusyTime(Base):
    """The local copy of a bookings record that may occupy a staff member's time: an appointment,
    a group event or a break (`kind`), fed by the bookings service's events.

    Busy while `active`. `version` is the record's; a copy only ever moves to a higher one.
    """

    __tablename__ = "busy_times"
    __table_args__ = (
        Index("ix_busy_times_company_staff_kind_starts", "company_id", "staff_member_id", "kind", "starts_at"),
        CheckConstraint("kind IN ('appointment', 'group_event', 'break')", name="ck_busy_times_kind"),
    )

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    source_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    company_id: Mapped[int] = mapped_column(BigInteger)
    staff_member_id: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
