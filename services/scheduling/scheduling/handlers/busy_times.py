"""The local copy of the bookings service's appointments, group events and breaks, as busy
times of staff members (see domain.busy)."""

from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite

from salon_infra.database import UnitOfWork
from scheduling.domain.busy import BusyCopy
from scheduling.models import BusyTime

_COPIED = ("staff_member_id", "starts_at", "ends_at", "version", "active", "updated_at")


def record_busy_time(uow: UnitOfWork, company_id: int, copy: BusyCopy) -> bool:
    """Keep the copy of (kind, id) if its version is newer than the stored one; True if it was."""
    return record_busy_times(uow, [(company_id, copy)]) == 1


def record_busy_times(uow: UnitOfWork, copies: list[tuple[int, BusyCopy]]) -> int:
    """Keep each copy of (kind, id) whose version is newer than the stored one, in one statement;
    how many were. Redelivered and out-of-order events carry a version already seen, so they
    change nothing. A cancelled, deleted or removed record stays as an inactive copy, so an
    older event arriving late cannot bring it back."""
    newest: dict[tuple[str, int], tuple[int, BusyCopy]] = {}
    for company_id, copy in copies:  # one row per record: a statement may not update a row twice
        key = (copy.kind, copy.source_id)
        if key not in newest or newest[key][1].version < copy.version:
            newest[key] = (company_id, copy)
    if not newest:
        return 0
    now = datetime.now(UTC)
    rows = [
        {"kind": copy.kind, "source_id": copy.source_id, "company_id": company_id,
         "staff_member_id": copy.staff_member_id, "starts_at": copy.starts_at, "ends_at": copy.ends_at,
         "version": copy.version, "active": copy.active, "updated_at": now}
        for company_id, copy in newest.values()
    ]  # fmt: skip
    with uow:
        dialect = uow.session.get_bind().dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(BusyTime).values(rows)
        newer = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[BusyTime.kind, BusyTime.source_id],
            set_={column: newer[column] for column in _COPIED},
            where=(BusyTime.version < newer.version) & (BusyTime.company_id == newer.company_id),
        )
        changed = uow.session.execute(statement).rowcount
        uow.commit()
    return changed
