from datetime import datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from salon_infra.types import IdType, UtcDateTime


class Base(DeclarativeBase):
    pass


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("company_id", "phone", name="uq_clients_company_phone"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger, index=True)
    phone: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
