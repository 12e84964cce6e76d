from sqlalchemy.orm import DeclarativeBase

from salon_infra import outbox


class Base(DeclarativeBase):
    pass


outbox.add_tables(Base.metadata)
