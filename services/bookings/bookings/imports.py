"""Importing a calendar from a spreadsheet (the imports service parses the file and calls this):
all or nothing, each row once however often the file is sent, and no notification for anyone
(notifications skips source "import")."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bookings.domain.appointments import BOOKED
from bookings.domain.imports import ImportedVisit, schedule_conflicts
from bookings.models import NO_OVERLAP, Appointment, AppointmentService
from salon_infra.database import UnitOfWork

IMPORT_SOURCE = "import"
_CHUNK = 1000


def import_appointments(uow: UnitOfWork, company_id: int, command: dict) -> dict:
    """{created, existing, problems}. Rows whose key is already stored count as existing; if any
    row conflicts, or on a dry run, nothing is written."""
    rows, tz = command["appointments"], ZoneInfo(command["timezone"])
    with uow:
        session = uow.session
        stored = _stored_keys(session, company_id, [row["key"] for row in rows])
        new = [row for row in rows if row["key"] not in stored]
        visits = [ImportedVisit(row["row"], row["staff_member_id"], row["starts_at"], row["ends_at"]) for row in new]
        problems = schedule_conflicts(visits, _calendar(session, company_id, visits), tz)
        result = {"created": 0, "existing": len(rows) - len(new), "problems": problems}
        if problems or command["dry_run"] or not new:
            return result
        try:
            ids = _insert_all(session, company_id, command["created_by"], new)
        except IntegrityError as problem:
            session.rollback()
            return {**result, "problems": [_race(problem)]}
        created_by = command["created_by"]
        events = [{"appointment": _event(company_id, created_by, row, i)} for row, i in zip(new, ids, strict=True)]
        uow.record_events([("appointment_created", company_id, data) for data in events])
        uow.commit()
    return {**result, "created": len(new)}


def _stored_keys(session, company_id: int, keys: list[str]) -> set[str]:
    stored = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = select(Appointment.import_key).where(
            Appointment.company_id == company_id, Appointment.import_key.in_(chunk)
        )
        stored.update(session.scalars(query))
    return stored


def _calendar(session, company_id: int, visits: list[ImportedVisit]) -> dict[int, list[tuple[datetime, datetime]]]:
    """The live bookings of the visits' staff members between the first visit's start and the last one's end."""
    if not visits:
        return {}
    query = select(Appointment.staff_member_id, Appointment.starts_at, Appointment.ends_at).where(
        Appointment.company_id == company_id,
        Appointment.staff_member_id.in_({visit.staff_member_id for visit in visits}),
        Appointment.cancelled_at.is_(None),
        Appointment.deleted_at.is_(None),
        Appointment.starts_at < max(visit.ends_at for visit in visits),
        Appointment.ends_at > min(visit.starts_at for visit in visits),
    )
    calendar: dict[int, list] = {}
    for staff_member_id, starts_at, ends_at in session.execute(query):
        calendar.setdefault(staff_member_id, []).append((starts_at, ends_at))
    return calendar


def _insert_all(session, company_id: int, created_by: dict, rows: list[dict]) -> list[int]:
    """Every appointment and its service lines in a few multi-row statements (an ORM unit of work
    for 10,000 rows costs seconds); the new ids, in the rows' order."""
    now = datetime.now(UTC)
    values = [
        {
            "company_id": company_id,
            "client_id": row["client_id"],
            "client_name": row["client_name"],
            "client_phone": row["client_phone"],
            "staff_member_id": row["staff_member_id"],
            "starts_at": row["starts_at"],
            "ends_at": row["ends_at"],
            "comment": row["comment"],
            "source": IMPORT_SOURCE,
            "created_by_kind": created_by["kind"],
            "created_by_id": created_by["id"],
            "visit_status": row["visit_status"],
            "import_key": row["key"],
            "discount": row["discount"],
            "total_price": max(sum(line["price"] for line in row["services"]) - row["discount"], 0),
            "paid_amount": 0,
            "prepayment_required": False,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    statement = insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True)
    ids = list(session.scalars(statement, values))
    lines = [
        {"appointment_id": appointment_id, "company_id": company_id, "position": position, **line}
        for appointment_id, row in zip(ids, rows, strict=True)
        for position, line in enumerate(row["services"])
    ]
    if lines:
        session.execute(insert(AppointmentService), lines)
    return ids


def _event(company_id: int, created_by: dict, row: dict, appointment_id: int) -> dict:
    """data.appointment of appointment_created, as AppointmentEventSchema writes it for one booked."""
    return {
        "id": appointment_id,
        "company_id": company_id,
        "client_id": row["client_id"],
        "staff_member_id": row["staff_member_id"],
        "starts_at": row["starts_at"].isoformat(),
        "ends_at": row["ends_at"].isoformat(),
        "service_ids": [line["service_id"] for line in row["services"]],
        "source": IMPORT_SOURCE,
        "created_by": created_by,
        "visit_status": row["visit_status"],
        "state": BOOKED,
        "version": 1,
    }


def _race(problem: IntegrityError) -> dict:
    if NO_OVERLAP in str(problem.orig):
        message = "A booking made while the file was checked overlaps one of its rows; import the file again."
    else:
        message = "This file is being imported right now; wait for that import to finish."
    return {"row": 0, "column": "", "message": message}
