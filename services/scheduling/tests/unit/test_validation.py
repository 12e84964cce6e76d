"""The RPC boundary's rules, checked without a database."""

from datetime import date, time

import pytest
from marshmallow import ValidationError

from salon_infra.errors import InvalidInput
from salon_infra.validation import load
from scheduling.domain.company import SLOT_STEPS, is_currency_code, is_known_country, is_known_timezone
from scheduling.domain.slots import DayPlan, LocalSpan
from scheduling.schemas.calendar import CalendarDaysQuerySchema
from scheduling.schemas.company import NewCompanySchema
from scheduling.schemas.events import AppointmentEventSchema, BreakEventSchema, GroupEventEventSchema
from scheduling.schemas.hours import WeeklyHoursSchema
from scheduling.schemas.services import NewServiceSchema, ServiceChangesSchema
from scheduling.schemas.slots import FindSlotsSchema


def test_company_profile_rules():
    assert is_known_timezone("Europe/Berlin") and is_known_timezone("UTC")
    assert not any(map(is_known_timezone, ["Europe/Nowhere", "", " UTC", "../../etc/passwd", "Europe/"]))
    assert is_currency_code("EUR") and not any(map(is_currency_code, ["eur", "EURO", "E1R", ""]))
    assert is_known_country("DE") and not any(map(is_known_country, ["de", "XX", "DEU"]))
    assert all(60 % step == 0 for step in SLOT_STEPS)


def test_a_new_company_defaults_to_a_quarter_hour_grid():
    company = load(NewCompanySchema(), {"name": "S", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"})
    assert company["slot_step_minutes"] == 15


@pytest.mark.parametrize(("minutes", "valid"), [(5, True), (720, True), (0, False), (7, False), (725, False)])
def test_service_durations(minutes, valid):
    service = {"title": "Cut", "duration_minutes": minutes, "price_min": 100}
    if valid:
        assert load(NewServiceSchema(), service)["price_max"] is None  # the handler makes it price_min
    else:
        with pytest.raises(InvalidInput) as problem:
            load(NewServiceSchema(), service)
        assert list(problem.value.errors) == ["duration_minutes"]


def test_the_same_staff_member_twice_in_a_service_is_refused():
    service = {"title": "Cut", "duration_minutes": 30, "price_min": 0, "staff": [{"staff_member_id": 1}] * 2}
    with pytest.raises(InvalidInput) as problem:
        load(NewServiceSchema(), service)
    assert list(problem.value.errors) == ["staff"]


def test_weekly_hours_load_as_day_plans():
    loaded = load(
        WeeklyHoursSchema(),
        {
            "company_id": 1,
            "staff_member_id": 2,
            "weekly": [{"weekday": 4, "shifts": [{"start": "09:00", "end": "17:00"}]}],
        },
    )
    assert loaded["weekly"] == [{"weekday": 4, "plan": DayPlan((LocalSpan(time(9), time(17)),))}]


def test_weekly_hours_errors_point_at_the_day_and_span():
    weekly = [
        {"weekday": 0, "shifts": [{"start": "09:00", "end": "08:00"}]},
        {"weekday": 1, "shifts": [{"start": "09:00", "end": "12:00"}], "breaks": [{"start": "13:00", "end": "14:00"}]},
    ]
    with pytest.raises(InvalidInput) as problem:
        load(WeeklyHoursSchema(), {"company_id": 1, "staff_member_id": 2, "weekly": weekly})
    assert problem.value.errors == {
        "weekly": {
            0: {"shifts": {0: {"end": ["Must be after start."]}}},
            1: {"breaks": ["13:00-14:00 does not lie within a shift"]},
        }
    }


def test_slot_search_ranges():
    query = {"company_id": 1, "service_ids": [1], "date_from": "2030-01-01", "date_to": "2030-03-03"}
    assert load(FindSlotsSchema(), query)["date_to"] == date(2030, 3, 3)  # 62 days
    assert load(FindSlotsSchema(), query)["online"] is True
    with pytest.raises(InvalidInput) as problem:
        load(FindSlotsSchema(), {**query, "date_to": "2030-03-04"})
    assert list(problem.value.errors) == ["date_to"]


def test_appointment_events_ignore_fields_they_do_not_know():
    event = {
        "event_id": "e1",
        "event_type": "appointment_created",
        "company_id": 1,
        "occurred_at": "2030-01-01T10:00:00+00:00",
        "extra": True,
        "data": {
            "appointment": {
                "id": 5,
                "staff_member_id": 2,
                "client_id": 9,
                "starts_at": "2030-01-01T10:00:00+01:00",
                "ends_at": "2030-01-01T11:00:00+01:00",
                "version": 1,
                "state": "booked",
                "services": [],
            },
            "more": 1,
        },
    }
    loaded = AppointmentEventSchema().load(event)
    assert set(loaded["data"]["appointment"]) == {
        "id",
        "staff_member_id",
        "starts_at",
        "ends_at",
        "version",
        "state",
        "group_event_id",
    }
    assert loaded["data"]["appointment"]["group_event_id"] is None  # an event from before group events
    event["data"]["appointment"]["group_event_id"] = 31
    assert AppointmentEventSchema().load(event)["data"]["appointment"]["group_event_id"] == 31


def _envelope(event_type, **data):
    return {"event_id": "e2", "event_type": event_type, "company_id": 1, "data": data}


def _record(state, **fields):
    times = {"starts_at": "2030-01-01T10:00:00+01:00", "ends_at": "2030-01-01T11:00:00+01:00"}
    return {"id": 8, "company_id": 1, "staff_member_id": 2, **times, "version": 4, "state": state, **fields}


def test_group_event_and_break_events():
    group_event = _record("booked", service_id=3, title="Yoga", capacity=10)
    loaded = GroupEventEventSchema().load(_envelope("group_event_created", group_event=group_event))
    assert set(loaded["data"]["group_event"]) == {"id", "staff_member_id", "starts_at", "ends_at", "version", "state"}
    loaded = BreakEventSchema().load(_envelope("break_added", **{"break": _record("active")}))
    assert loaded["data"]["break_"]["version"] == 4 and loaded["data"]["break_"]["state"] == "active"


@pytest.mark.parametrize(
    ("schema", "data", "where"),
    [
        (GroupEventEventSchema, {"group_event": _record("active")}, "state"),
        (GroupEventEventSchema, {"appointment": _record("booked")}, "group_event"),
        (BreakEventSchema, {"break": _record("booked")}, "state"),
        (BreakEventSchema, {"break": _record("removed", ends_at="2030-01-01T09:00:00+01:00")}, "ends_at"),
        (BreakEventSchema, {"break": _record("removed", starts_at="2030-01-01T10:00:00")}, "starts_at"),
        (BreakEventSchema, {"break": _record("removed", version="4")}, "version"),
        (AppointmentEventSchema, {"appointment": _record("booked", group_event_id="31")}, "group_event_id"),
    ],
)
def test_malformed_busy_events_name_the_field(schema, data, where):
    with pytest.raises(ValidationError) as problem:
        schema().load(_envelope("whatever", **data))
    assert where in str(problem.value.messages)


@pytest.mark.parametrize(("capacity", "valid"), [(None, True), (1, True), (500, True), (0, False), (501, False)])
def test_group_capacity(capacity, valid):
    service = {"title": "Yoga", "duration_minutes": 60, "price_min": 100, "group_capacity": capacity}
    if valid:
        assert load(NewServiceSchema(), service)["group_capacity"] == capacity
        assert load(ServiceChangesSchema(), {"group_capacity": capacity}) == {"group_capacity": capacity}
    else:
        for schema in (NewServiceSchema(), ServiceChangesSchema()):
            with pytest.raises(InvalidInput) as problem:
                load(schema, service)
            assert list(problem.value.errors) == ["group_capacity"]
    del service["group_capacity"]
    assert load(NewServiceSchema(), service)["group_capacity"] is None  # an individual service


def test_calendar_days_ranges_and_staff():
    query = {"company_id": 1, "date_from": "2030-01-01", "date_to": "2030-01-31"}
    assert load(CalendarDaysQuerySchema(), query)["staff_member_ids"] is None  # 31 days, everyone
    assert load(CalendarDaysQuerySchema(), {**query, "staff_member_ids": [3, 1]})["staff_member_ids"] == [3, 1]
    for wrong, field in [
        ({"date_to": "2030-02-01"}, "date_to"),
        ({"date_to": "2029-12-31"}, "date_to"),
        ({"staff_member_ids": []}, "staff_member_ids"),
        ({"staff_member_ids": [1, 1]}, "staff_member_ids"),
        ({"staff_member_ids": ["1"]}, "staff_member_ids"),
        ({"date_from": "1 January"}, "date_from"),
    ]:
        with pytest.raises(InvalidInput) as problem:
            load(CalendarDaysQuerySchema(), {**query, **wrong})
        assert list(problem.value.errors) == [field], wrong
