"""A calendar imported from a spreadsheet: all or nothing, each row once, conflicts reported by row."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from tests.integration.test_handlers import book, events_for

from bookings import imports
from bookings.models import Appointment

MONDAY_9 = datetime(2027, 6, 7, 9, 0, tzinfo=UTC)
USER = {"kind": "user", "id": 1}


def row(number, starts_at, minutes=60, staff=5, key=None, **more):
    return {
        "row": number,
        "key": key or f"key-{number:08d}",
        "client_id": 40 + number,
        "client_name": f"Client {number}",
        "client_phone": f"+491510000{number:04d}",
        "staff_member_id": staff,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "services": [{"service_id": 1, "title": "Cut", "duration_minutes": minutes, "price": 3000, "category_id": 7}],
        "discount": 500,
        "comment": "from the old system",
        "visit_status": "arrived",
        **more,
    }


def run(uow, company_id, rows, dry_run=False):
    command = {"timezone": "Europe/Berlin", "dry_run": dry_run, "created_by": USER, "appointments": rows}
    return imports.import_appointments(uow, company_id, command)


def test_rows_become_bookings_once_however_often_the_file_is_sent(uow, company_id):
    rows = [row(2, MONDAY_9), row(3, MONDAY_9 + timedelta(hours=1)), row(4, MONDAY_9, staff=6)]
    assert run(uow, company_id, rows) == {"created": 3, "existing": 0, "problems": []}
    assert run(uow, company_id, rows) == {"created": 0, "existing": 3, "problems": []}
    page = select(Appointment).where(Appointment.company_id == company_id)
    with uow:
        stored = list(uow.session.scalars(page))
    assert len(stored) == 3
    first = next(a for a in stored if a.import_key == "key-00000002")
    assert (first.source, first.visit_status, first.total_price, first.discount) == ("import", "arrived", 2500, 500)
    assert first.services[0].category_id == 7 and first.client_name == "Client 2"
    assert [e["event_type"] for e in events_for(uow, first.id)] == ["appointment_created"]


def test_a_dry_run_reports_and_writes_nothing(uow, company_id):
    assert run(uow, company_id, [row(2, MONDAY_9)], dry_run=True) == {"created": 0, "existing": 0, "problems": []}
    assert run(uow, company_id, [row(2, MONDAY_9)]) == {"created": 1, "existing": 0, "problems": []}


def test_overlaps_in_the_file_or_with_the_calendar_refuse_the_whole_file(uow, scheduling, company_id):
    book(uow, scheduling, company_id, staff=(6,), starts_at=MONDAY_9 + timedelta(hours=3))  # 12:00-13:00 UTC
    rows = [
        row(2, MONDAY_9),
        row(3, MONDAY_9 + timedelta(minutes=30)),  # overlaps row 2
        row(4, MONDAY_9 + timedelta(hours=3, minutes=30), staff=6),  # overlaps the calendar
        row(5, MONDAY_9 + timedelta(hours=5)),
    ]
    result = run(uow, company_id, rows)
    assert result["created"] == 0
    assert result["problems"] == [
        {"row": 3, "column": "Date", "message": "Overlaps row 2 for the same employee."},
        {"row": 4, "column": "Date", "message": "Overlaps a booking already in the calendar at 07.06.2027 14:00."},
    ]
    fine = run(uow, company_id, [rows[0], rows[3]])
    assert fine["created"] == 2  # nothing of the refused run was written
