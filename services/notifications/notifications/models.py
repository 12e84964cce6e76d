from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Text, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime


class Base(DeclarativeBase):
    pass


outbox.add_tables(Base.metadata)


PENDING_ONLY = "status = 'pending'"


class SentMessage(Base):
    """Every SMS and email the service sent or tried to send, for any purpose.

    A pending message is due at `next_attempt_at`: the end of its current hand-over's lease, or
    the time to try again after a failure (domain/delivery.py). `error` is what the salon reads;
    `provider_error` the provider's own words, for operators only. A `sensitive` message (a
    one-time code) keeps only a masked `body`."""

    __tablename__ = "sent_messages"
    __table_args__ = (
        Index("ix_sent_messages_company_id_id", "company_id", "id"),
        Index(
            "ix_sent_messages_due",
            "next_attempt_at",
            postgresql_where=text(PENDING_ONLY),
            sqlite_where=text(PENDING_ONLY),
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(5))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(50))
    event_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(7))
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    provider_error: Mapped[str | None] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(Boolean, server_default=false())
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DailySends(Base):
    """How many messages of a channel a company has sent on a day (UTC): its daily cap's counter."""

    __tablename__ = "daily_sends"

    company_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(5), primary_key=True)
    sent: Mapped[int] = mapped_column(Integer)


class DevelopmentSms(Base):
    """The development SMS provider's delivered messages: the inbox a developer reads instead
    of a phone. It stands for the outside world's SMS gateway, which knows no companies."""

    __tablename__ = "dev_sms_messages"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
