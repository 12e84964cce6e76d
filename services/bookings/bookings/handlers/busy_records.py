"""Staff members' appointments, group events and breaks as scheduling keeps its copy of them
(its busy times): page by page for a resync, and as a digest for its drift check.

Records are given whatever their state (a cancelled one is the copy's newest version too), with
the fields the events carry: id, staff_member_id, starts_at, ends_at, version, state, and an
appointment's group_event_id. Only those ending after `ends_after` count: the copy serves slot
search, which looks ahead."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from bookings.domain.model import state_of
from bookings.models import appointments, breaks, group_events
from salon_infra.database import UnitOfWork

TABLES = {"appointment": appointments, "group_event": group_events, "break": breaks}
LONGEST = {"appointment": timedelta(days=7), "group_event": timedelta(days=7), "break": timedelta(days=31)}
"""No record of the kind lasts longer, so a start-time bound (which the indexes serve) loses none."""


def busy_records(uow: UnitOfWork, company_id: int, kind: str, ends_after: datetime, after_id: int, limit: int) -> dict:
    """{"records": [...], "next_after_id": the id to continue after, or None at the end}, by id."""
    table = TABLES[kind]
    columns = [table.c.id, table.c.staff_member_id, table.c.starts_at, table.c.ends_at, table.c.version]
    if kind == "break":
        columns.append(table.c.removed_at)
    else:
        columns += [table.c.cancelled_at, table.c.deleted_at]
    if kind == "appointment":
        columns.append(table.c.group_event_id)
    query = (
        select(*columns)
        .where(_window(table, company_id, kind, ends_after), table.c.id > after_id)
        .order_by(table.c.id)
        .limit(limit)
    )
    with uow:
        rows = uow.session.execute(query).all()
    records = [_record(kind, row) for row in rows]
    return {"records": records, "next_after_id": rows[-1].id if len(rows) == limit else None}


def busy_digest(uow: UnitOfWork, company_id: int, ends_after: datetime) -> dict:
    """{kind: {"count", "versions"}} of the records ending after `ends_after`: the copy's digest of
    the same records is equal unless it missed an event."""
    digest = {}
    with uow:
        for kind, table in TABLES.items():
            query = select(func.count(), func.coalesce(func.sum(table.c.version), 0)).where(
                _window(table, company_id, kind, ends_after)
            )
            count, versions = uow.session.execute(query).one()
            digest[kind] = {"count": int(count), "versions": int(versions)}
    return digest


def _window(table, company_id: int, kind: str, ends_after: datetime):
    return (
        (table.c.company_id == company_id)
        & (table.c.starts_at > ends_after - LONGEST[kind])
        & (table.c.ends_at > ends_after)
    )


def _record(kind: str, row) -> dict:
    record = {"id": row.id, "staff_member_id": row.staff_member_id, "starts_at": row.starts_at.isoformat(),
              "ends_at": row.ends_at.isoformat(), "version": row.version}  # fmt: skip
    if kind == "break":
        record["state"] = "removed" if row.removed_at is not None else "active"
    else:
        record["state"] = state_of(row.cancelled_at, row.deleted_at)
    if kind == "appointment":
        record["group_event_id"] = row.group_event_id
    return record
