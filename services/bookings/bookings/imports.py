"""Importing a calendar from a spreadsheet (the imports service parses the file and calls this):
all or nothing, each row once however often the file is sent, and no notification for anyone
(notifications skips source "import")."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bookings import events
from bookings.domain.imports import ImportedVisit, schedule_conflicts
from bookings.domain.model import Actor, Appointment, ServiceLine, new_appointment
from bookings.domain.pricing import Discount, allocate
from bookings.handlers.common import now
from bookings.models import NO_OVERLAP, appointment_services, appointments
from salon_infra.database import UnitOfWork

IMPORT_SOURCE = "import"
_CHUNK = 1000
_APPOINTMENT_COLUMNS = [column.name for column in appointments.columns if column.name != "id"]
_LINE_COLUMNS = [column.name for column in appointment_services.columns if column.name not in ("id", "appointment_id")]


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
        created_by = Actor(command["created_by"]["kind"], command["created_by"]["id"])
        imported = [_appointment(company_id, created_by, row) for row in new]
        try:
            _insert_all(session, imported)
        except IntegrityError as problem:
            session.rollback()
            return {**result, "problems": [_race(problem)]}
        uow.record_events([events.appointment_event(events.APPOINTMENT_CREATED, each) for each in imported])
        uow.commit()
    return {**result, "created": len(new)}


def _appointment(company_id: int, created_by: Actor, row: dict) -> Appointment:
    """The booking a row describes; the row's discount is spread over its lines by price."""
    lines = [
        ServiceLine(line["service_id"], line["title"], line["duration_minutes"], line["price"],
                    category_id=line["category_id"])
        for line in row["services"]
    ]  # fmt: skip
    for line, share in zip(lines, allocate(row["discount"], [line.price for line in lines]), strict=True):
        line.reprice(Discount(amount=share))
    return new_appointment(
        company_id=company_id,
        client_id=row["client_id"],
        staff_member_id=row["staff_member_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        services=lines,
        source=IMPORT_SOURCE,
        created_by=created_by,
        now=now(),
        client_name=row["client_name"],
        client_phone=row["client_phone"],
        comment=row["comment"],
        visit_status=row["visit_status"],
        import_key=row["key"],
    )


def _stored_keys(session, company_id: int, keys: list[str]) -> set[str]:
    stored = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = select(appointments.c.import_key).where(
            appointments.c.company_id == company_id, appointments.c.import_key.in_(chunk)
        )
        stored.update(session.scalars(query))
    return stored


def _calendar(session, company_id: int, visits: list[ImportedVisit]) -> dict[int, list[tuple[datetime, datetime]]]:
    """The live bookings of the visits' staff members between the first visit's start and the last one's end."""
    if not visits:
        return {}
    a = appointments.c
    query = select(a.staff_member_id, a.starts_at, a.ends_at).where(
        a.company_id == company_id,
        a.staff_member_id.in_({visit.staff_member_id for visit in visits}),
        a.cancelled_at.is_(None),
        a.deleted_at.is_(None),
        a.group_event_id.is_(None),
        a.starts_at < max(visit.ends_at for visit in visits),
        a.ends_at > min(visit.starts_at for visit in visits),
    )
    calendar: dict[int, list] = {}
    for staff_member_id, starts_at, ends_at in session.execute(query):
        calendar.setdefault(staff_member_id, []).append((starts_at, ends_at))
    return calendar


def _insert_all(session, imported: list[Appointment]) -> None:
    """Every appointment and its lines in a few multi-row statements (an ORM unit of work for
    10,000 rows costs seconds); the new ids are set on the entities, for their events."""
    values = [{name: getattr(each, name) for name in _APPOINTMENT_COLUMNS} for each in imported]
    statement = insert(appointments).returning(appointments.c.id, sort_by_parameter_order=True)
    for each, appointment_id in zip(imported, session.scalars(statement, values), strict=True):
        each.id = appointment_id
    lines = [(each, line) for each in imported for line in each.services]
    if not lines:
        return
    line_values = [
        {"appointment_id": each.id, **{name: getattr(line, name, None) for name in _LINE_COLUMNS},
         "company_id": each.company_id}
        for each, line in lines
    ]  # fmt: skip
    statement = insert(appointment_services).returning(appointment_services.c.id, sort_by_parameter_order=True)
    for (_, line), line_id in zip(lines, session.scalars(statement, line_values), strict=True):
        line.id = line_id


def _race(problem: IntegrityError) -> dict:
    if NO_OVERLAP in str(problem.orig):
        message = "A booking made while the file was checked overlaps one of its rows; import the file again."
    else:
        message = "This file is being imported right now; wait for that import to finish."
    return {"row": 0, "column": "", "message": message}
