from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime


class Base(DeclarativeBase):
    pass


outbox.add_tables(Base.metadata)


class SentMessage(Base):
    """Every SMS and email the service sent or tried to send, for any purpose."""

    __tablename__ = "sent_messages"
    __table_args__ = (Index("ix_sent_messages_company_id_id", "company_id", "id"),)

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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DevelopmentSms(Base):
    """The development SMS provider's delivered messages: the inbox a developer reads instead
    of a phone. It stands for the outside world's SMS gateway, which knows no companies."""

    __tablename__ = "dev_sms_messages"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
