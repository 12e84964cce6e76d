"""The two days a year Europe/Berlin changes its clocks: slots, bookings and the calendar."""

from datetime import date, datetime, timedelta

import pytest
from support.salon import next_weekday

NIGHT_AND_DAY = [
    {"weekday": 6, "shifts": [{"start": "00:00", "end": "06:00"}, {"start": "09:00", "end": "12:00"}], "breaks": []}
]


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def next_change_days() -> tuple[date, date]:
    """The next spring-forward and fall-back Sundays after today (the last Sundays of March and October)."""
    today = date.today()
    spring = last_sunday(today.year, 3) if last_sunday(today.year, 3) > today else last_sunday(today.year + 1, 3)
    autumn = last_sunday(today.year, 10) if last_sunday(today.year, 10) > today else last_sunday(today.year + 1, 10)
    return spring, autumn


@pytest.fixture
def night_salon(salon):
    salon.add_staff("Nora", weekly=NIGHT_AND_DAY)
    salon.add_service("Treatment", 30, ["Nora"])
    return salon


def test_spring_forward_has_no_two_oclock_hour(night_salon):
    spring, _ = next_change_days()
    starts = night_salon.starts(["Treatment"], spring)
    local_times = [datetime.fromisoformat(start).strftime("%H:%M%z") for start in starts]
    assert "01:30+0100" in local_times and "03:00+0200" in local_times
    assert not [t for t in local_times if t.startswith("02:")]
    # starts 00:00..01:45 and 03:00..05:30 in the 5 real hours of the night, then 09:00..11:30
    assert len(starts) == 8 + 11 + 11
    assert local_times[-11] == "09:00+0200"  # the day shift starts at 09:00 local, not 08:00 or 10:00


def test_fall_back_offers_the_repeated_hour_twice(night_salon):
    _, autumn = next_change_days()
    starts = night_salon.starts(["Treatment"], autumn)
    local_times = [datetime.fromisoformat(start).strftime("%H:%M%z") for start in starts]
    assert local_times.count("02:30+0200") == 1 and local_times.count("02:30+0100") == 1
    assert len(starts) == 8 + 8 + 11 + 11  # 02:00..02:45 twice in the 7 real hours of the night
    assert local_times.index("02:45+0200") < local_times.index("02:00+0100")  # in time order
    assert local_times[-11] == "09:00+0100"


def test_bookings_on_change_days_last_real_time(night_salon):
    spring, autumn = next_change_days()
    at_quarter_to_two = night_salon.local(spring, 1, 45)
    booked = night_salon.book_online(["Treatment"], at_quarter_to_two, "Nora")
    assert booked.status_code == 201, booked.text
    assert booked.json()["appointment"]["ends_at"] == f"{spring.isoformat()}T03:15:00+02:00"  # 30 real minutes

    second_half_past_two = night_salon.local(autumn, 2, 30, fold=1)
    assert second_half_past_two.utcoffset() == timedelta(hours=1)
    booked = night_salon.book_online(["Treatment"], second_half_past_two, "Nora")
    assert booked.status_code == 201, booked.text
    first_half_past_two = night_salon.local(autumn, 2, 30, fold=0).isoformat()

    import time

    deadline = time.monotonic() + 10
    while second_half_past_two.isoformat() in (starts := night_salon.starts(["Treatment"], autumn)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert first_half_past_two in starts  # the first 02:30 is still free

    calendar = night_salon.api.ok("GET", "/api/v1/calendar", params={"date": autumn.isoformat()})
    [column] = calendar["staff"]
    assert [a["starts_at"] for a in column["appointments"]] == [f"{autumn.isoformat()}T02:30:00+01:00"]


def test_an_ordinary_sunday_for_comparison(night_salon):
    sunday = next_weekday(6)
    spring, autumn = next_change_days()
    if sunday in (spring, autumn):
        sunday += timedelta(days=7)
    assert len(night_salon.starts(["Treatment"], sunday)) == 23 + 11
