from datetime import timedelta

import pytest
from builders import a_future

from salon_infra.errors import InvalidInput, NotFound


def test_weekly_hours_replace_the_whole_week(api, salon):
    anna = salon.staff_member()
    weekly = [
        {
            "weekday": 1,
            "shifts": [{"start": "14:00", "end": "18:00"}, {"start": "09:00", "end": "12:00"}],
            "breaks": [{"start": "10:00", "end": "10:15"}],
        },
        {"weekday": 5, "shifts": [{"start": "10:00", "end": "16:00"}]},
    ]
    hours = api.set_weekly_hours(salon.company_id, anna["id"], weekly)
    assert hours["staff_member_id"] == anna["id"]
    assert [day["weekday"] for day in hours["weekly"]] == list(range(7))
    assert hours["weekly"][1] == {
        "weekday": 1,
        "shifts": [{"start": "09:00", "end": "12:00"}, {"start": "14:00", "end": "18:00"}],
        "breaks": [{"start": "10:00", "end": "10:15"}],
    }
    assert hours["weekly"][5]["shifts"] == [{"start": "10:00", "end": "16:00"}]
    assert hours["weekly"][0] == {"weekday": 0, "shifts": [], "breaks": []}
    assert hours["overrides"] == [] and set(hours) == {"staff_member_id", "weekly", "overrides"}

    again = api.set_weekly_hours(salon.company_id, anna["id"], weekly[1:])
    assert again["weekly"][1]["shifts"] == [] and again == api.get_working_hours(salon.company_id, anna["id"])


@pytest.mark.parametrize(
    ("day", "where"),
    [
        ({"weekday": 7, "shifts": []}, {"weekday"}),
        ({"weekday": 0, "shifts": [{"start": "9:00", "end": "18:00"}]}, {"shifts": {0: {"start"}}}),
        ({"weekday": 0, "shifts": [{"start": "09:00", "end": "24:00"}]}, {"shifts": {0: {"end"}}}),
        ({"weekday": 0, "shifts": [{"start": "18:00", "end": "09:00"}]}, {"shifts": {0: {"end"}}}),
        (
            {"weekday": 0, "shifts": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}]},
            {"shifts"},
        ),
        (
            {
                "weekday": 0,
                "shifts": [{"start": "09:00", "end": "12:00"}],
                "breaks": [{"start": "11:30", "end": "12:30"}],
            },
            {"breaks"},
        ),
    ],
)
def test_weekly_hours_errors_name_the_field(api, salon, day, where):
    anna = salon.staff_member()
    with pytest.raises(InvalidInput) as problem:
        api.set_weekly_hours(salon.company_id, anna["id"], [day])
    errors = problem.value.errors["weekly"][0]
    assert _shape(errors) == _shape(where), errors


def _shape(errors):
    if isinstance(errors, dict):
        return {key: _shape(value) for key, value in errors.items()}
    if isinstance(errors, set):
        return {key: None for key in errors}
    return None


def test_the_same_weekday_twice_is_refused(api, salon):
    anna = salon.staff_member()
    with pytest.raises(InvalidInput) as problem:
        api.set_weekly_hours(salon.company_id, anna["id"], [{"weekday": 2}, {"weekday": 2}])
    assert list(problem.value.errors) == ["weekly"]


def test_date_overrides(api, salon):
    anna = salon.staff_member()
    salon.works(anna["id"])
    day = a_future(0)
    override = api.set_date_override(
        salon.company_id, anna["id"], day.isoformat(), [{"start": "12:00", "end": "15:00"}], []
    )
    assert override == {"date": day.isoformat(), "shifts": [{"start": "12:00", "end": "15:00"}], "breaks": []}
    day_off = api.set_date_override(salon.company_id, anna["id"], (day + timedelta(days=1)).isoformat(), [], [])
    replaced = api.set_date_override(
        salon.company_id,
        anna["id"],
        day.isoformat(),
        [{"start": "10:00", "end": "16:00"}],
        [{"start": "12:00", "end": "12:30"}],
    )
    api.set_date_override(salon.company_id, anna["id"], "2020-01-06", [], [])  # past: kept, not shown
    assert api.get_working_hours(salon.company_id, anna["id"])["overrides"] == [replaced, day_off]

    api.delete_date_override(salon.company_id, anna["id"], day.isoformat())
    assert api.get_working_hours(salon.company_id, anna["id"])["overrides"] == [day_off]
    with pytest.raises(NotFound):
        api.delete_date_override(salon.company_id, anna["id"], day.isoformat())
    with pytest.raises(InvalidInput) as problem:
        api.set_date_override(salon.company_id, anna["id"], day.isoformat(), [], [{"start": "12:00", "end": "13:00"}])
    assert list(problem.value.errors) == ["breaks"]
