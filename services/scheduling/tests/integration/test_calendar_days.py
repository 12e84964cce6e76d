"""The calendar's day view (every staff member, one day) and week view (one staff member, a week)."""

import statistics
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from builders import a_future, at, next_last_sunday
from sqlalchemy import event

from salon_infra.errors import InvalidInput, NotFound

SPRING, AUTUMN = next_last_sunday(3), next_last_sunday(10)


def days(api, company_id, first: date, last: date, staff_member_ids=None) -> dict:
    query = {"date_from": first.isoformat(), "date_to": last.isoformat(), "staff_member_ids": staff_member_ids}
    return api.calendar_days(company_id, query)


def hours_of(spans) -> list[float]:
    return [(datetime.fromisoformat(s["end"]) - datetime.fromisoformat(s["start"])) / timedelta(hours=1) for s in spans]


def wall(day: date, clock: str, offset: str) -> str:
    return f"{day.isoformat()}T{clock}:00{offset}"


def span(day: date, start: str, end: str) -> dict:
    return {"start": wall(day, *start.split(" ")), "end": wall(day, *end.split(" "))}


@pytest.fixture
def team(salon):
    anna, ben, carl = salon.staff_member("Anna"), salon.staff_member("Ben"), salon.staff_member("Carl")
    gone = salon.staff_member("Dora", active=False)
    salon.works(anna["id"], "00:00", "23:59")
    salon.works(ben["id"], "01:00", "05:00", breaks=[("02:30", "03:30")], weekdays=[6])
    salon.works(carl["id"], "09:00", "17:00", breaks=[("12:00", "13:00")])
    salon.works(gone["id"], "09:00", "17:00")
    return anna, ben, carl, gone


def test_the_spring_change_day_has_23_hours_for_every_staff_member(api, salon, team):
    anna, ben, carl, _ = team
    saturday, monday = SPRING - timedelta(days=1), SPRING + timedelta(days=1)
    api.set_date_override(salon.company_id, carl["id"], SPRING.isoformat(), [{"start": "01:30", "end": "04:00"}], [])
    found = days(api, salon.company_id, saturday, monday)
    assert found["timezone"] == "Europe/Berlin"
    assert [day["date"] for day in found["days"]] == [saturday.isoformat(), SPRING.isoformat(), monday.isoformat()]
    for day in found["days"]:
        assert [column["staff_member"]["name"] for column in day["staff"]] == ["Anna", "Ben", "Carl"]
    before, change, after = ({c["staff_member"]["id"]: c for c in day["staff"]} for day in found["days"])

    assert before[anna["id"]]["working"] == [span(saturday, "00:00 +01:00", "23:59 +01:00")]
    assert change[anna["id"]]["working"] == [span(SPRING, "00:00 +01:00", "23:59 +02:00")]
    assert hours_of(change[anna["id"]]["working"]) == [23 - 1 / 60]
    assert after[anna["id"]]["working"] == [span(monday, "00:00 +02:00", "23:59 +02:00")]

    # 02:00-03:00 does not exist: Ben's break from 02:30 starts when the clocks jump to 03:00.
    assert change[ben["id"]]["working"] == [
        span(SPRING, "01:00 +01:00", "03:00 +02:00"),
        span(SPRING, "03:30 +02:00", "05:00 +02:00"),
    ]
    assert change[ben["id"]]["breaks"] == [span(SPRING, "03:00 +02:00", "03:30 +02:00")]
    assert hours_of(change[ben["id"]]["working"]) == [1, 1.5]
    assert before[ben["id"]] == {**before[ben["id"]], "working": [], "breaks": []}

    assert change[carl["id"]]["working"] == [span(SPRING, "01:30 +01:00", "04:00 +02:00")]  # his override
    assert hours_of(change[carl["id"]]["working"]) == [1.5] and change[carl["id"]]["breaks"] == []
    assert after[carl["id"]]["working"] == [
        span(monday, "09:00 +02:00", "12:00 +02:00"),
        span(monday, "13:00 +02:00", "17:00 +02:00"),
    ]
    assert after[carl["id"]]["breaks"] == [span(monday, "12:00 +02:00", "13:00 +02:00")]


def test_the_autumn_change_day_has_25_hours_for_every_staff_member(api, salon, team):
    anna, ben, carl, _ = team
    found = days(api, salon.company_id, AUTUMN, AUTUMN + timedelta(days=1))
    change, after = ({c["staff_member"]["id"]: c for c in day["staff"]} for day in found["days"])

    assert change[anna["id"]]["working"] == [span(AUTUMN, "00:00 +02:00", "23:59 +01:00")]
    assert hours_of(change[anna["id"]]["working"]) == [25 - 1 / 60]
    # 02:00-03:00 happens twice: Ben's break starts at the first 02:30 and lasts two hours.
    assert change[ben["id"]]["breaks"] == [span(AUTUMN, "02:30 +02:00", "03:30 +01:00")]
    assert hours_of(change[ben["id"]]["breaks"]) == [2]
    assert change[ben["id"]]["working"] == [
        span(AUTUMN, "01:00 +02:00", "02:30 +02:00"),
        span(AUTUMN, "03:30 +01:00", "05:00 +01:00"),
    ]
    assert change[carl["id"]]["working"][0] == span(AUTUMN, "09:00 +01:00", "12:00 +01:00")
    assert after[ben["id"]]["working"] == [] and after[anna["id"]]["working"][0]["start"].endswith("+01:00")


def test_a_week_of_one_staff_member_even_one_switched_off(api, salon, team):
    _, ben, _, gone = team
    monday = a_future(0)
    if monday + timedelta(days=6) in (SPRING, AUTUMN):
        monday += timedelta(days=7)  # the DST days have tests of their own
    sunday = monday + timedelta(days=6)
    api.set_date_override(salon.company_id, gone["id"], (monday + timedelta(days=2)).isoformat(), [], [])  # day off
    week = days(api, salon.company_id, monday, sunday, [gone["id"]])
    assert [day["date"] for day in week["days"]] == [(monday + timedelta(days=n)).isoformat() for n in range(7)]
    assert all([c["staff_member"]["name"] for c in day["staff"]] == ["Dora"] for day in week["days"])
    assert week["days"][0]["staff"][0]["staff_member"] == api.get_staff_member(salon.company_id, gone["id"])
    assert [bool(day["staff"][0]["working"]) for day in week["days"]] == [True, True, False, True, True, True, True]

    bens = days(api, salon.company_id, monday, sunday, [ben["id"]])
    assert [len(day["staff"][0]["working"]) for day in bens["days"]] == [0, 0, 0, 0, 0, 0, 2]
    assert bens["days"][6]["staff"][0]["breaks"] == [
        {"start": at(sunday, "02:30").isoformat(), "end": at(sunday, "03:30").isoformat()}
    ]


def test_chosen_staff_come_by_name_and_busy_times_are_not_shown(api, salon, team):
    anna, _, carl, gone = team
    monday = a_future(0)
    salon.break_(carl["id"], at(monday, "15:00"))  # bookings' break: the calendar asks bookings for it
    salon.group_event(carl["id"], at(monday, "10:00"))
    found = days(api, salon.company_id, monday, monday, [carl["id"], gone["id"], anna["id"]])
    (day,) = found["days"]
    assert [column["staff_member"]["name"] for column in day["staff"]] == ["Anna", "Carl", "Dora"]
    carl_column = day["staff"][1]
    assert carl_column["working"] == [
        {"start": at(monday, "09:00").isoformat(), "end": at(monday, "12:00").isoformat()},
        {"start": at(monday, "13:00").isoformat(), "end": at(monday, "17:00").isoformat()},
    ]
    assert carl_column["breaks"] == [{"start": at(monday, "12:00").isoformat(), "end": at(monday, "13:00").isoformat()}]


def test_a_salon_without_staff_has_empty_days(api, company):
    found = days(api, company["id"], date(2030, 1, 1), date(2030, 1, 3))
    assert found == {"timezone": "Europe/Berlin", "days": [{"date": f"2030-01-0{n}", "staff": []} for n in (1, 2, 3)]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_to": "2030-02-01"}, "date_to"),  # 32 days
        ({"date_to": "2029-12-31"}, "date_to"),
        ({"staff_member_ids": [999_999_999]}, "staff_member_ids"),
        ({"staff_member_ids": []}, "staff_member_ids"),
        ({"date_from": None}, "date_from"),
    ],
)
def test_query_rules_name_the_field(api, company, query, field):
    with pytest.raises(InvalidInput) as problem:
        api.calendar_days(company["id"], {"date_from": "2030-01-01", "date_to": "2030-01-31", **query})
    assert list(problem.value.errors) == [field]


def test_an_unknown_company(api):
    with pytest.raises(NotFound):
        api.calendar_days(999_999_999, {"date_from": "2030-01-01", "date_to": "2030-01-01"})
    with pytest.raises(InvalidInput) as problem:
        api.calendar_days(1, "2030-01-01")
    assert list(problem.value.errors) == ["query"]


@contextmanager
def statements_counted(sessions):
    counted = []

    def count(*_):
        counted.append(1)

    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_day_view_of_twenty_staff_reads_in_a_few_queries(api, salon, sessions):
    monday = a_future(0)
    staff = [salon.staff_member(f"Staff {n:02d}")["id"] for n in range(20)]
    for staff_member_id in staff:
        salon.works(staff_member_id, "09:00", "19:00", breaks=[("13:00", "13:30")])
    salon.service("Cut", 45, staff=staff)
    api.set_date_override(salon.company_id, staff[3], monday.isoformat(), [], [])
    query = {"date_from": monday.isoformat(), "date_to": monday.isoformat()}
    with statements_counted(sessions) as day_view:
        found = api.calendar_days(salon.company_id, query)
    with statements_counted(sessions) as week_view:
        week = api.calendar_days(
            salon.company_id, {**query, "date_to": (monday + timedelta(days=6)).isoformat(), "staff_member_ids": staff}
        )
    # The company with its staff and their services, then their hours: however many staff and days.
    assert len(day_view) == len(week_view) == 2
    assert len(found["days"][0]["staff"]) == 20 and len(week["days"]) == 7
    assert [len(column["working"]) for column in found["days"][0]["staff"]] == [2] * 3 + [0] + [2] * 16

    timings = []
    for _ in range(25):
        started = time.perf_counter()
        api.calendar_days(salon.company_id, query)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings[5:])
    print(f"calendar_days, 20 staff x 1 day: median {median * 1000:.1f} ms")
    assert median < 0.030  # a few ms on a quiet machine; the count above is the real guard
