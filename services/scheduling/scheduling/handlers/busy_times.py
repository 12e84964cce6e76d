"""The local copy of the bookings service's appointments, group events and breaks, as busy
times of staff members (see domain.busy)."""

import logging
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from salon_infra.database import UnitOfWork
from scheduling.domain.busy import (
    APPOINTMENT,
    BREAK,
    GROUP_EVENT,
    KINDS,
    LONGEST_APPOINTMENT,
    LONGEST_BREAK,
    BusyCopy,
    appointment_copy,
    break_copy,
    group_event_copy,
)
from scheduling.models import BusyTime, Company

log = logging.getLogger(__name__)

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


# ---------------------------------------------------------------- resync and drift

LONGEST = {APPOINTMENT: LONGEST_APPOINTMENT, GROUP_EVENT: LONGEST_APPOINTMENT, BREAK: LONGEST_BREAK}
COPY_OF = {APPOINTMENT: appointment_copy, GROUP_EVENT: group_event_copy, BREAK: break_copy}
PAGE = 500

ListBusyRecords = Callable[[int, dict], dict]
"""bookings.list_busy_records(company_id, {kind, ends_after, after_id, limit}) -> {records, next_after_id}"""
BusyDigest = Callable[[int, dict], dict]
"""bookings.busy_digest(company_id, {ends_after}) -> {kind: {count, versions}}"""


def resync_window_start(now: datetime | None = None) -> datetime:
    """Slot search looks ahead: records that ended more than a day ago no longer matter."""
    return (now or datetime.now(UTC)) - timedelta(days=1)


def resync(uow: UnitOfWork, company_id: int, list_busy_records: ListBusyRecords, ends_after: datetime) -> dict:
    """Rebuild the company's copy from bookings' own records (those ending after `ends_after`), page
    by page: a record the copy missed, or holds at an older version, is brought up to date; the
    newest version still wins, so events arriving meanwhile are safe. {records, changed}."""
    seen = changed = 0
    for kind in KINDS:
        after_id = 0
        while after_id is not None:
            page = list_busy_records(
                company_id, {"kind": kind, "ends_after": ends_after.isoformat(), "after_id": after_id, "limit": PAGE}
            )
            copies = [(company_id, COPY_OF[kind](_times(record))) for record in page["records"]]
            changed += record_busy_times(uow, copies)
            seen += len(copies)
            after_id = page["next_after_id"]
    if changed:
        log.warning("resync of company %s: %s of %s busy times were missing or stale", company_id, changed, seen)
    return {"records": seen, "changed": changed}


def digest(uow: UnitOfWork, company_id: int, ends_after: datetime) -> dict:
    """{kind: {count, versions}} of the copies ending after `ends_after`, as bookings counts its records."""
    found = {}
    with uow:
        for kind in KINDS:
            query = select(func.count(), func.coalesce(func.sum(BusyTime.version), 0)).where(
                BusyTime.company_id == company_id,
                BusyTime.kind == kind,
                BusyTime.starts_at > ends_after - LONGEST[kind],
                BusyTime.ends_at > ends_after,
            )
            count, versions = uow.session.execute(query).one()
            found[kind] = {"count": int(count), "versions": int(versions)}
    return found


def check_drift(uow: UnitOfWork, company_id: int, busy_digest: BusyDigest, ends_after: datetime) -> dict:
    """Whether the copy differs from bookings' records (an event lost, or still on its way):
    {drift, ours, bookings}. Ours is counted after theirs, so an event in flight rarely shows."""
    theirs = busy_digest(company_id, {"ends_after": ends_after.isoformat()})
    ours = digest(uow, company_id, ends_after)
    return {"drift": ours != theirs, "ours": ours, "bookings": theirs}


def _times(record: dict) -> dict:
    return {**record, "starts_at": datetime.fromisoformat(record["starts_at"]),
            "ends_at": datetime.fromisoformat(record["ends_at"])}  # fmt: skip


SWEEP_LOCK = 0x5C4ED  # the advisory lock one replica holds while it checks every company


def check_all_companies(
    uow: UnitOfWork, busy_digest: BusyDigest, list_busy_records: ListBusyRecords, now: datetime | None = None
) -> dict:
    """Every company's copy against bookings' records; drift is reported (logged) and repaired.
    One replica at a time on PostgreSQL (the others find the lock taken). {checked, drifted, repaired}."""
    ends_after = resync_window_start(now)
    with uow:
        engine = uow.session.get_bind()
        company_ids = list(uow.session.scalars(select(Company.id).order_by(Company.id)))
    summary = {"checked": 0, "drifted": [], "repaired": 0}
    with _sweep_lock(engine) as held:
        if not held:
            return summary
        for company_id in company_ids:
            try:
                found = check_drift(uow, company_id, busy_digest, ends_after)
                summary["checked"] += 1
                if found["drift"]:
                    log.warning("busy times of company %s drifted from bookings: ours %s, bookings %s",
                                company_id, found["ours"], found["bookings"])  # fmt: skip
                    summary["drifted"].append(company_id)
                    summary["repaired"] += resync(uow, company_id, list_busy_records, ends_after)["changed"]
            except Exception:  # one company's failure (a timeout) does not stop the sweep
                log.exception("checking the busy times of company %s failed", company_id)
    return summary


@contextmanager
def _sweep_lock(engine):
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        held = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": SWEEP_LOCK}).scalar_one()
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SWEEP_LOCK})
