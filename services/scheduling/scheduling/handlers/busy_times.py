"""The local copy of the bookings service's appointments, as busy times of staff members."""

from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite

from salon_infra.database import UnitOfWork
from scheduling.models import BusyTime

BOOKED = "booked"


def record_appointment(uow: UnitOfWork, company_id: int, appointment: dict) -> bool:
    """Copy the appointment if its version is newer than the copy's; True if it was.

    Redelivered and out-of-order events carry a version already seen, so they change
    nothing. A cancelled or deleted appointment stays as an inactive copy, so an older
    'created' event arriving late cannot bring it back.
    """
    with uow:
        dialect = uow.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(BusyTime).values(
            appointment_id=appointment["id"],
            company_id=company_id,
            staff_member_id=appointment["staff_member_id"],
            starts_at=appointment["starts_at"],
            ends_at=appointment["ends_at"],
            version=appointment["version"],
            active=appointment["state"] == BOOKED,
            updated_at=datetime.now(UTC),
        )
        newer = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[BusyTime.appointment_id],
            set_={
                column: newer[column]
                for column in ("staff_member_id", "starts_at", "ends_at", "version", "active", "updated_at")
            },
            where=(BusyTime.version < newer.version) & (BusyTime.company_id == newer.company_id),
        )
        changed = uow.session.execute(statement).rowcount == 1
        uow.commit()
    return changed
