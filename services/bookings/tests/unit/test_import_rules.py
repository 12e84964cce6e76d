from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bookings.domain.imports import ImportedVisit, schedule_conflicts

NINE = datetime(2027, 6, 7, 9, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def visit(row, start_minutes, minutes=60, staff=1):
    start = NINE + timedelta(minutes=start_minutes)
    return ImportedVisit(row, staff, start, start + timedelta(minutes=minutes))


def test_back_to_back_visits_and_other_staff_do_not_conflict():
    visits = [visit(2, 0), visit(3, 60), visit(4, 0, staff=2)]
    assert schedule_conflicts(visits, {}, BERLIN) == []


def test_a_long_visit_conflicts_with_every_later_one_it_covers():
    visits = [visit(2, 0, minutes=180), visit(3, 60), visit(4, 120), visit(5, 180)]
    assert [p["row"] for p in schedule_conflicts(visits, {}, BERLIN)] == [3, 4]


def test_the_calendar_is_checked_with_the_booking_just_before():
    calendar = {
        1: [
            (NINE - timedelta(hours=2), NINE - timedelta(hours=1)),
            (NINE + timedelta(minutes=90), NINE + timedelta(hours=2)),
        ]
    }
    problems = schedule_conflicts([visit(2, 0), visit(3, 60), visit(4, 120)], calendar, BERLIN)
    assert [(p["row"], p["message"]) for p in problems] == [
        (3, "Overlaps a booking already in the calendar at 07.06.2027 12:30.")
    ]
