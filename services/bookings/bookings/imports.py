"""Importing a calendar from a spreadsheet (the imports service parses the file and calls this):
all or nothing, each row once however often the file is sent, and no notification for anyone
(notifications skips source "import")."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bookings.domain.imports import ImportedVisit, schedule_conflicts
from bookings.handlers import EVENT
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
        appointments = [_appointment(company_id, command["created_by"], row) for row in new]
        session.add_all(appointments)
        try:
            session.flush()
        except IntegrityError as problem:
            session.rollback()
            return {**result, "problems": [_race(problem)]}
        for appointment in appointments:
            uow.record_event("appointment_created", company_id, {"appointment": EVENT.dump(appointment)})
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


def _appointment(company_id: int, created_by: dict, row: dict) -> Appointment:
    now = datetime.now(UTC)
    prices = sum(line["price"] for line in row["services"])
    return Appointment(
        company_id=company_id,
        client_id=row["client_id"],
        client_name=row["client_name"],
        client_phone=row["client_phone"],
        staff_member_id=row["staff_member_id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        comment=row["comment"],
        source=IMPORT_SOURCE,
        created_by_kind=created_by["kind"],
        created_by_id=created_by["id"],
        visit_status=row["visit_status"],
        import_key=row["key"],
        discount=row["discount"],
        total_price=max(prices - row["discount"], 0),
        paid_amount=0,
        prepayment_required=False,
        version=1,
        created_at=now,
        updated_at=now,
        services=[
            AppointmentService(company_id=company_id, position=position, **line)
            for position, line in enumerate(row["services"])
        ],
    )


def _race(problem: IntegrityError) -> dict:
    if NO_OVERLAP in str(problem.orig):
        message = "A booking made while the file was checked overlaps one of its rows; import the file again."
    else:
        message = "This file is being imported right now; wait for that import to finish."
    return {"row": 0, "column": "", "message": message}
