from datetime import date, datetime, time

import pytest

from imports.domain.cells import CellError
from imports.domain.visit_times import duration_minutes, local_start, round_to_slot


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04.01.2016 10:30", datetime(2016, 1, 4, 10, 30)),  # the seed's example
        (" 4.1.2016  9:05 ", datetime(2016, 1, 4, 9, 5)),
        ("29.02.2024 23:59", datetime(2024, 2, 29, 23, 59)),
        (datetime(2016, 1, 4, 10, 30, 45), datetime(2016, 1, 4, 10, 30, 45)),  # a real date-and-time cell
    ],
)
def test_local_start(value, expected):
    assert local_start(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "2016-01-04 10:30",
        "04.01.2016",
        "04/01/2016 10:30",
        "04.01.16 10:30",
        "04.01.2016 10:30:00",
        "04.01.2016 1030",
        42373.4375,  # a serial number without a date format
        date(2016, 1, 4),
        time(10, 30),
    ],
)
def test_not_a_local_start(value):
    with pytest.raises(CellError, match=r"expected a date and time such as 04\.01\.2016 10:30"):
        local_start(value)


@pytest.mark.parametrize("value", ["31.02.2016 10:30", "04.13.2016 10:30", "04.01.2016 24:00", "04.01.2016 10:60"])
def test_not_a_real_date(value):
    with pytest.raises(CellError, match="is not a real date and time"):
        local_start(value)


@pytest.mark.parametrize(
    "value", ["31.12.9999 23:59", "01.01.0001 00:00", "31.12.1999 23:59", "01.01.2101 00:00", datetime(1900, 1, 1, 9)]
)
def test_a_date_beyond_the_window_every_service_takes(value):
    with pytest.raises(CellError, match=r"must be a date from 01\.01\.2000 to 31\.12\.2100"):
        local_start(value)
    assert local_start("01.01.2000 00:00") == datetime(2000, 1, 1)
    assert local_start("31.12.2100 23:59") == datetime(2100, 12, 31, 23, 59)


@pytest.mark.parametrize(
    ("moment", "slot_minutes", "expected"),
    [
        (datetime(2016, 1, 4, 10, 30), 15, datetime(2016, 1, 4, 10, 30)),
        (datetime(2016, 1, 4, 10, 37), 15, datetime(2016, 1, 4, 10, 30)),
        (datetime(2016, 1, 4, 10, 38), 15, datetime(2016, 1, 4, 10, 45)),
        (datetime(2016, 1, 4, 10, 37, 30), 15, datetime(2016, 1, 4, 10, 45)),  # halfway rounds up
        (datetime(2016, 1, 4, 10, 37, 29), 15, datetime(2016, 1, 4, 10, 30)),
        (datetime(2016, 1, 4, 10, 2), 5, datetime(2016, 1, 4, 10, 0)),
        (datetime(2016, 1, 4, 10, 3), 5, datetime(2016, 1, 4, 10, 5)),
        (datetime(2016, 1, 4, 10, 44), 30, datetime(2016, 1, 4, 10, 30)),
        (datetime(2016, 1, 4, 10, 45), 30, datetime(2016, 1, 4, 11, 0)),
        (datetime(2016, 1, 4, 10, 29), 60, datetime(2016, 1, 4, 10, 0)),
        (datetime(2016, 1, 4, 0, 10), 40, datetime(2016, 1, 4, 0, 0)),  # counted from midnight
        (datetime(2016, 1, 4, 23, 55), 15, datetime(2016, 1, 5, 0, 0)),  # into the next day
        (datetime(2016, 1, 4, 10, 31), 1, datetime(2016, 1, 4, 10, 31)),
    ],
)
def test_rounds_to_the_nearest_slot(moment, slot_minutes, expected):
    assert round_to_slot(moment, slot_minutes) == expected


def test_the_slot_interval_must_be_positive():
    with pytest.raises(ValueError, match="slot_minutes"):
        round_to_slot(datetime(2016, 1, 4, 10, 30), 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 15),  # empty: the seed's default
        ("", 15),
        (1, 15),
        (900, 15),
        (901, 30),  # rounded up, never down
        (2700, 45),
        (3600, 60),
        (3601.5, 75),
        ("5400", 90),
        ("5400.0", 90),
        (86400, 1440),
    ],
)
def test_duration_in_whole_quarters_of_an_hour(value, expected):
    assert duration_minutes(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "must be positive"),
        (-900, "must be positive"),
        (86401, "longer than a day"),
        ("an hour", "expected a number of seconds"),
        (True, "expected a number of seconds"),
    ],
)
def test_not_a_duration(value, message):
    with pytest.raises(CellError, match=message):
        duration_minutes(value)
