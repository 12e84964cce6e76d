"""Ids of users and roles that moved here from scheduling keep their values: tokens, bookings'
`created_by` and the data log name users by id. So this database's id sequences must stay above
every id scheduling handed out, whether the moved rows (its migration 0007's events) arrive before
or after the first user or role is created here.

- Before the first user or role is created here, `ensure_floors` asks scheduling once for the
  highest ids it had (`identity_high_water`) and raises the sequences above them (`id_floors`
  remembers it was done).
- A carried-over row keeps its id and raises the sequence above it too (PostgreSQL does not move a
  sequence for an explicit id).
Neither ever moves a sequence down, so the two may happen in either order, and concurrently.
"""

from collections.abc import Callable

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from accounts.models import IdFloor
from salon_infra.database import UnitOfWork

TABLES = ("roles", "users")


def ensure_floors(uow: UnitOfWork, high_water: Callable[[], dict]) -> None:
    """Raise the id sequences above scheduling's ids once; `high_water()` gives {"roles": n, "users": m}."""
    with uow:
        if uow.session.scalar(select(func.count()).select_from(IdFloor)) == len(TABLES):
            return
    marks = high_water()
    with uow:
        dialect = uow.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for table in TABLES:
            raise_sequence(uow.session, table, int(marks[table]))
            uow.session.execute(
                insert(IdFloor).values(table_name=table, floor=int(marks[table])).on_conflict_do_nothing()
            )
        uow.commit()


def raise_sequence(session: Session, table: str, floor: int) -> None:
    """The next id `table` hands out will be above `floor` (and above any it handed out before)."""
    if table not in TABLES:
        raise ValueError(table)
    if session.get_bind().dialect.name == "postgresql":
        # nextval() takes a value no one else will get, so the sequence never goes back.
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                "GREATEST(:floor, nextval(pg_get_serial_sequence(:table, 'id'))))"
            ),
            {"table": table, "floor": floor},
        )
        return
    # SQLite: the tables are AUTOINCREMENT, so sqlite_sequence holds the highest id handed out.
    raised = session.execute(
        text("UPDATE sqlite_sequence SET seq = MAX(seq, :floor) WHERE name = :table"), {"table": table, "floor": floor}
    )
    if raised.rowcount == 0:
        session.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :floor)"),
                        {"table": table, "floor": floor})  # fmt: skip
