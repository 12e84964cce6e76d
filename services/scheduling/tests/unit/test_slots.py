import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.domain.slots import (
    DayPlan,
    DaySlots,
    Interval,
    LocalSpan,
    Slot,
    StaffAvailability,
    WorkingHours,
    find_slots,
    fits_working_hours,
    on_grid,
    working_intervals,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")

MONDAY = date(2026, 6, 15)
BERLIN_SPRING = date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST
BERLIN_FALL = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET
NEW_YORK_SPRING = date(2026, 3, 8)  # 02:00 EST -> 03:00 EDT
NEW_YORK_FALL = date(2026, 11, 1)  # 02:00 EDT -> 01:00 EST
LORD_HOWE_SPRING = date(2026, 10, 4)  # 02:00 +10:30 -> 02:30 +11:00
LORD_HOWE_FALL = date(2026, 4, 5)  # 02:00 +11:00 -> 01:30 +10:30

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def span(start: str, end: str) -> LocalSpan:
    return LocalSpan(time.fromisoformat(start), time.fromisoformat(end))


def every_day(*shifts: LocalSpan, breaks: tuple[LocalSpan, ...] = ()) -> WorkingHours:
    return WorkingHours({weekday: DayPlan(shifts, breaks) for weekday in range(7)})


def staff_member(
    working_hours: WorkingHours, minutes: int = 60, busy: tuple[Interval, ...] = (), staff_member_id: int = 1
) -> StaffAvailability:
    return StaffAvailability(staff_member_id, timedelta(minutes=minutes), working_hours, busy)


def local(day: date, wall: str, tz: ZoneInfo = BERLIN, fold: int = 0) -> datetime:
    return datetime.combine(day, time.fromisoformat(wall), tzinfo=tz).replace(fold=fold)


def busy(day: date, start: str, end: str, tz: ZoneInfo = BERLIN) -> Interval:
    return Interval(local(day, start, tz), local(day, end, tz))


def one_day(staff, day: date = MONDAY, tz: ZoneInfo = BERLIN, **options) -> DaySlots:
    options.setdefault("not_before", LONG_AGO)
    (day_slots,) = find_slots(list(staff), tz, day, day, **options)
    assert day_slots.day == day
    return day_slots


def walls(day_slots: DaySlots) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in day_slots.slots]


def stamps(day_slots: DaySlots) -> list[str]:
    return [slot.start.strftime("%H:%M%z") for slot in day_slots.slots]


def quarter_hours(first: str, last: str) -> list[str]:
    start, stop = time.fromisoformat(first), time.fromisoformat(last)
    minutes = range(start.hour * 60 + start.minute, stop.hour * 60 + stop.minute + 1, 15)
    return [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]


# ---------------------------------------------------------------- basic rules


def test_last_slot_leaves_room_for_the_whole_appointment():
    day = one_day([staff_member(every_day(span("09:00", "12:00")), minutes=60)])

    assert walls(day) == quarter_hours("09:00", "11:00")
    assert all(slot.staff_member_ids == (1,) for slot in day.slots)


def test_slot_starts_are_aware_in_the_company_zone():
    day = one_day([staff_member(every_day(span("09:00", "10:00")))])

    assert day.slots == (Slot(local(MONDAY, "09:00"), (1,)),)
    assert day.slots[0].start.tzinfo is BERLIN
    assert day.slots[0].start.isoformat() == "2026-06-15T09:00:00+02:00"


def test_break_removes_slots_overlapping_it():
    hours = every_day(span("09:00", "13:00"), breaks=(span("11:00", "11:30"),))

    day = one_day([staff_member(hours, minutes=30)])

    assert walls(day) == quarter_hours("09:00", "10:30") + quarter_hours("11:30", "12:30")


def test_longer_busy_appointment_blocks_every_overlapping_start():
    appointment = busy(MONDAY, "10:00", "11:30")  # 90 minutes

    day = one_day([staff_member(every_day(span("09:00", "12:00")), minutes=30, busy=(appointment,))])

    assert walls(day) == ["09:00", "09:15", "09:30", "11:30"]


def test_busy_times_may_be_unsorted_overlapping_and_in_any_zone():
    appointments = (
        Interval(datetime(2026, 6, 15, 9, 30, tzinfo=UTC), datetime(2026, 6, 15, 10, 0, tzinfo=UTC)),  # 11:30-12:00
        busy(MONDAY, "09:30", "10:15"),
        busy(MONDAY, "10:00", "10:30"),
    )

    day = one_day([staff_member(every_day(span("09:00", "13:00")), minutes=30, busy=appointments)])

    assert walls(day) == ["09:00", "10:30", "10:45", "11:00", "12:00", "12:15", "12:30"]


def test_busy_times_of_the_whole_range_only_block_their_own_day():
    tuesday = MONDAY + timedelta(days=1)
    appointments = (busy(tuesday, "09:00", "10:00"), busy(MONDAY - timedelta(days=3), "08:00", "20:00"))
    member = staff_member(every_day(span("09:00", "11:00")), busy=appointments)

    monday_slots, tuesday_slots = find_slots([member], BERLIN, MONDAY, tuesday, not_before=LONG_AGO)

    assert walls(monday_slots) == quarter_hours("09:00", "10:00")
    assert walls(tuesday_slots) == ["10:00"]


def test_not_before_cuts_off_the_past():
    member = staff_member(every_day(span("09:00", "12:00")))

    assert walls(one_day([member], not_before=local(MONDAY, "10:05")))[0] == "10:15"
    assert walls(one_day([member], not_before=local(MONDAY, "10:15")))[0] == "10:15"
    assert walls(one_day([member], not_before=datetime(2026, 6, 15, 8, 30, tzinfo=UTC)))[0] == "10:30"


def test_days_before_not_before_are_empty():
    member = staff_member(every_day(span("09:00", "12:00")))

    days = find_slots([member], BERLIN, MONDAY, MONDAY + timedelta(days=1), not_before=local(MONDAY, "23:00"))

    assert days[0].slots == ()
    assert walls(days[1]) == quarter_hours("09:00", "11:00")


@pytest.mark.parametrize(
    ("step", "expected"),
    [(30, ["09:00", "09:30", "10:00", "10:30", "11:00"]), (60, ["09:00", "10:00", "11:00"])],
)
def test_grid_step(step, expected):
    day = one_day([staff_member(every_day(span("09:00", "12:00")))], step_minutes=step)

    assert walls(day) == expected


def test_shift_not_aligned_to_the_grid_starts_at_the_next_grid_point():
    day = one_day([staff_member(every_day(span("09:10", "10:40")), minutes=30)])

    assert walls(day) == ["09:15", "09:30", "09:45", "10:00"]


def test_override_gives_a_day_off():
    hours = WorkingHours({MONDAY.weekday(): DayPlan((span("09:00", "12:00"),))}, overrides={MONDAY: DayPlan()})

    assert one_day([staff_member(hours)]).slots == ()


def test_override_changes_the_hours_of_one_date_only():
    next_monday = MONDAY + timedelta(days=7)
    hours = WorkingHours(
        {MONDAY.weekday(): DayPlan((span("09:00", "12:00"),))},
        overrides={MONDAY: DayPlan((span("14:00", "16:00"),))},
    )

    assert walls(one_day([staff_member(hours)])) == quarter_hours("14:00", "15:00")
    assert walls(one_day([staff_member(hours)], day=next_monday)) == quarter_hours("09:00", "11:00")


def test_override_replaces_the_weekly_breaks_too():
    weekly = DayPlan((span("09:00", "14:00"),), breaks=(span("12:00", "13:00"),))
    hours = WorkingHours({MONDAY.weekday(): weekly}, overrides={MONDAY: DayPlan((span("09:00", "14:00"),))})

    assert hours.plan_for(MONDAY).breaks == ()
    assert "12:00" in walls(one_day([staff_member(hours)]))


def test_missing_weekday_is_a_day_off():
    hours = WorkingHours({MONDAY.weekday(): DayPlan((span("09:00", "12:00"),))})

    assert hours.plan_for(MONDAY + timedelta(days=1)) == DayPlan()
    assert one_day([staff_member(hours)], day=MONDAY + timedelta(days=1)).slots == ()


def test_staff_free_at_the_same_instant_share_one_slot_with_sorted_ids():
    early = staff_member(every_day(span("09:00", "10:30")), staff_member_id=7)
    late = staff_member(every_day(span("09:30", "11:00")), staff_member_id=3)

    day = one_day([early, late])

    assert [(s.start.strftime("%H:%M"), s.staff_member_ids) for s in day.slots] == [
        ("09:00", (7,)),
        ("09:15", (7,)),
        ("09:30", (3, 7)),
        ("09:45", (3,)),
        ("10:00", (3,)),
    ]


def test_each_staff_member_uses_their_own_duration():
    quick = staff_member(every_day(span("09:00", "10:00")), minutes=30, staff_member_id=1)
    slow = staff_member(every_day(span("09:00", "10:00")), minutes=60, staff_member_id=2)

    day = one_day([quick, slow])

    assert [s.staff_member_ids for s in day.slots] == [(1, 2), (1,), (1,)]


def test_every_day_of_the_range_is_listed_even_without_slots():
    hours = WorkingHours({0: DayPlan((span("09:00", "10:00"),)), 2: DayPlan((span("09:00", "10:00"),))})

    days = find_slots([staff_member(hours)], BERLIN, MONDAY, MONDAY + timedelta(days=6), not_before=LONG_AGO)

    assert [d.day for d in days] == [MONDAY + timedelta(days=n) for n in range(7)]
    assert [len(d.slots) for d in days] == [1, 0, 1, 0, 0, 0, 0]


def test_no_staff_gives_empty_days():
    days = find_slots([], BERLIN, MONDAY, MONDAY + timedelta(days=1), not_before=LONG_AGO)

    assert days == (DaySlots(MONDAY, ()), DaySlots(MONDAY + timedelta(days=1), ()))


def test_appointment_never_runs_into_the_next_days_shift():
    hours = every_day(span("00:00", "02:00"), span("22:00", "23:59:59.999999"))
    member = staff_member(hours, minutes=60)

    monday, tuesday = find_slots([member], BERLIN, MONDAY, MONDAY + timedelta(days=1), not_before=LONG_AGO)

    assert walls(monday)[-1] == "22:45"
    assert walls(tuesday)[0] == "00:00"


# ---------------------------------------------------------------- daylight saving


def test_berlin_spring_forward_skips_the_missing_hour():
    day = one_day([staff_member(every_day(span("00:00", "06:00")), minutes=15)], day=BERLIN_SPRING)

    assert not [wall for wall in walls(day) if wall.startswith("02:")]
    assert stamps(day)[7:9] == ["01:45+0100", "03:00+0200"]
    assert len(day.slots) == 20  # five real hours


def test_berlin_spring_forward_appointment_lasts_real_time():
    member = staff_member(every_day(span("00:00", "03:30")), minutes=60)

    day = one_day([member], day=BERLIN_SPRING)

    assert walls(day)[-1] == "01:30"  # 01:30 CET + 60 min = 03:30 CEST
    assert day.slots[-1].start.isoformat() == "2026-03-29T01:30:00+01:00"


def test_berlin_fall_back_offers_the_repeated_quarter_hours_twice():
    member = staff_member(every_day(span("00:00", "06:00")), minutes=15)

    day = one_day([member], day=BERLIN_FALL)
    normal_day = one_day([member], day=BERLIN_FALL - timedelta(days=7))

    assert stamps(day)[8:16] == [
        "02:00+0200", "02:15+0200", "02:30+0200", "02:45+0200",
        "02:00+0100", "02:15+0100", "02:30+0100", "02:45+0100",
    ]  # fmt: skip
    assert len(day.slots) == len(normal_day.slots) + 4
    # Same-zone datetimes compare by wall time (PEP 495), so compare in UTC.
    instants = [s.start.astimezone(UTC) for s in day.slots]
    assert instants == sorted(set(instants))


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        (BERLIN, BERLIN_SPRING),
        (BERLIN, BERLIN_FALL),
        (NEW_YORK, NEW_YORK_SPRING),
        (NEW_YORK, NEW_YORK_FALL),
        (LORD_HOWE, LORD_HOWE_SPRING),
        (LORD_HOWE, LORD_HOWE_FALL),
    ],
)
def test_ordinary_shift_keeps_its_wall_clock_hours_on_dst_days(tz, day):
    result = one_day([staff_member(every_day(span("09:00", "17:00")))], day=day, tz=tz)

    assert walls(result) == quarter_hours("09:00", "16:00")
    assert result.slots[0].start == local(day, "09:00", tz)


def test_busy_time_in_utc_across_the_fall_back_hour():
    appointment = Interval(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    member = staff_member(every_day(span("00:00", "06:00")), minutes=15, busy=(appointment,))

    day = one_day([member], day=BERLIN_FALL)

    assert stamps(day)[8:12] == ["02:00+0200", "02:15+0200", "02:30+0100", "02:45+0100"]


def test_new_york_spring_forward():
    day = one_day([staff_member(every_day(span("00:00", "06:00")), minutes=15)], day=NEW_YORK_SPRING, tz=NEW_YORK)

    assert stamps(day)[7:9] == ["01:45-0500", "03:00-0400"]
    assert len(day.slots) == 20


def test_new_york_fall_back():
    day = one_day([staff_member(every_day(span("00:00", "06:00")), minutes=15)], day=NEW_YORK_FALL, tz=NEW_YORK)

    assert stamps(day)[4:12] == [
        "01:00-0400", "01:15-0400", "01:30-0400", "01:45-0400",
        "01:00-0500", "01:15-0500", "01:30-0500", "01:45-0500",
    ]  # fmt: skip
    assert len(day.slots) == 28


def test_lord_howe_half_hour_spring_forward():
    day = one_day([staff_member(every_day(span("00:00", "06:00")), minutes=15)], day=LORD_HOWE_SPRING, tz=LORD_HOWE)

    assert stamps(day)[7:9] == ["01:45+1030", "02:30+1100"]
    assert len(day.slots) == 22  # five and a half real hours


def test_lord_howe_half_hour_fall_back():
    day = one_day([staff_member(every_day(span("00:00", "06:00")), minutes=15)], day=LORD_HOWE_FALL, tz=LORD_HOWE)

    assert stamps(day)[6:10] == ["01:30+1100", "01:45+1100", "01:30+1030", "01:45+1030"]
    assert len(day.slots) == 26


def test_shift_boundaries_inside_the_gap_snap_to_the_transition():
    starts_in_gap = every_day(span("02:30", "05:00"))
    ends_in_gap = every_day(span("00:00", "02:30"))

    assert working_intervals(starts_in_gap, BERLIN_SPRING, BERLIN) == (
        Interval(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, 0, tzinfo=UTC)),
    )
    assert working_intervals(ends_in_gap, BERLIN_SPRING, BERLIN) == (
        Interval(datetime(2026, 3, 28, 23, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    )
    assert walls(one_day([staff_member(starts_in_gap)], day=BERLIN_SPRING))[0] == "03:00"
    assert walls(one_day([staff_member(ends_in_gap)], day=BERLIN_SPRING))[-1] == "01:00"


def test_shift_start_inside_a_half_hour_gap():
    hours = every_day(span("02:15", "04:00"))

    (interval,) = working_intervals(hours, LORD_HOWE_SPRING, LORD_HOWE)
    day = one_day([staff_member(hours, minutes=30)], day=LORD_HOWE_SPRING, tz=LORD_HOWE)

    assert interval.start == datetime(2026, 10, 3, 15, 30, tzinfo=UTC)
    assert stamps(day)[0] == "02:30+1100"


def test_shift_across_a_dst_change_lasts_real_time():
    night = every_day(span("01:00", "03:00"))

    (fall,) = working_intervals(night, BERLIN_FALL, BERLIN)
    (spring,) = working_intervals(night, BERLIN_SPRING, BERLIN)

    assert fall.end - fall.start == timedelta(hours=3)
    assert spring.end - spring.start == timedelta(hours=1)


def test_repeated_boundaries_start_early_and_end_late():
    (interval,) = working_intervals(every_day(span("02:15", "02:45")), BERLIN_FALL, BERLIN)
    ends_in_repeat = one_day([staff_member(every_day(span("00:00", "02:30")), minutes=15)], day=BERLIN_FALL)
    starts_in_repeat = one_day([staff_member(every_day(span("02:30", "04:00")), minutes=15)], day=BERLIN_FALL)

    assert interval == Interval(datetime(2026, 10, 25, 0, 15, tzinfo=UTC), datetime(2026, 10, 25, 1, 45, tzinfo=UTC))
    assert stamps(ends_in_repeat)[-1] == "02:15+0100"
    assert stamps(starts_in_repeat)[0] == "02:30+0200"


def test_break_over_the_repeated_hour_covers_both_occurrences():
    hours = every_day(span("00:00", "06:00"), breaks=(span("02:00", "03:00"),))

    day = one_day([staff_member(hours, minutes=15)], day=BERLIN_FALL)

    assert stamps(day)[7:9] == ["01:45+0200", "03:00+0100"]


def test_working_intervals_are_utc_sorted_and_merged():
    hours = every_day(
        span("13:00", "17:00"), span("09:00", "12:00"), span("11:00", "13:00"), breaks=(span("15:00", "15:30"),)
    )

    intervals = working_intervals(hours, MONDAY, BERLIN)

    assert intervals == (
        Interval(datetime(2026, 6, 15, 7, 0, tzinfo=UTC), datetime(2026, 6, 15, 13, 0, tzinfo=UTC)),
        Interval(datetime(2026, 6, 15, 13, 30, tzinfo=UTC), datetime(2026, 6, 15, 15, 0, tzinfo=UTC)),
    )
    assert all(i.start.tzinfo is UTC and i.end.tzinfo is UTC for i in intervals)


# ---------------------------------------------------------------- booking checks


def test_fits_working_hours():
    hours = every_day(span("09:00", "12:00"), span("12:00", "17:00"), breaks=(span("13:00", "14:00"),))

    def fits(start: str, end: str) -> bool:
        return fits_working_hours(hours, local(MONDAY, start), local(MONDAY, end), BERLIN)

    assert fits("09:00", "10:00")
    assert fits("11:30", "12:30")  # contiguous shifts form one interval
    assert fits("14:00", "17:00")
    assert not fits("12:30", "13:30")  # crosses the break
    assert not fits("16:30", "17:30")  # crosses the shift end
    assert not fits("08:45", "09:15")
    in_utc = datetime(2026, 6, 15, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert fits_working_hours(hours, in_utc, in_utc + timedelta(hours=1), BERLIN)


def test_fits_working_hours_on_a_day_off():
    hours = WorkingHours({0: DayPlan((span("09:00", "17:00"),))}, overrides={MONDAY: DayPlan()})

    assert not fits_working_hours(hours, local(MONDAY, "10:00"), local(MONDAY, "11:00"), BERLIN)


def test_fits_working_hours_on_dst_days():
    spring = every_day(span("00:00", "03:30"))
    fall = every_day(span("02:00", "04:00"))

    start = local(BERLIN_SPRING, "01:30")
    assert fits_working_hours(spring, start, start + timedelta(hours=1), BERLIN)
    assert not fits_working_hours(spring, start, start + timedelta(hours=1, minutes=15), BERLIN)
    second_half_past_two = local(BERLIN_FALL, "02:30", fold=1)
    assert fits_working_hours(fall, second_half_past_two, local(BERLIN_FALL, "03:30"), BERLIN)
    assert fits_working_hours(fall, local(BERLIN_FALL, "02:00"), local(BERLIN_FALL, "04:00"), BERLIN)


def test_on_grid():
    assert on_grid(local(MONDAY, "09:15"), BERLIN, 15)
    assert on_grid(datetime(2026, 6, 15, 7, 15, tzinfo=UTC), BERLIN, 15)  # 09:15 in Berlin
    assert not on_grid(local(MONDAY, "09:15"), BERLIN, 30)
    assert not on_grid(local(MONDAY, "09:10"), BERLIN, 15)
    assert not on_grid(local(MONDAY, "09:15:30"), BERLIN, 15)
    assert not on_grid(local(MONDAY, "09:15:00.000001"), BERLIN, 15)
    assert on_grid(datetime(2026, 6, 15, 9, 30, tzinfo=UTC), NEW_YORK, 30)  # 05:30 EDT


def test_on_grid_on_dst_days():
    second_quarter_past_two = datetime(2026, 10, 25, 1, 15, tzinfo=UTC)  # 02:15+01:00

    assert on_grid(second_quarter_past_two, BERLIN, 15)
    assert not on_grid(second_quarter_past_two, BERLIN, 30)
    assert on_grid(local(LORD_HOWE_SPRING, "02:30", LORD_HOWE), LORD_HOWE, 30)
    assert not on_grid(local(LORD_HOWE_SPRING, "02:30", LORD_HOWE), LORD_HOWE, 60)


# ---------------------------------------------------------------- invalid input


def test_naive_datetimes_are_rejected():
    naive = datetime(2026, 6, 15, 9)
    member = staff_member(every_day(span("09:00", "12:00")))

    with pytest.raises(ValueError):
        find_slots([member], BERLIN, MONDAY, MONDAY, not_before=naive)
    with pytest.raises(ValueError):
        Interval(naive, local(MONDAY, "10:00"))
    with pytest.raises(ValueError):
        fits_working_hours(member.working_hours, naive, naive + timedelta(hours=1), BERLIN)
    with pytest.raises(ValueError):
        on_grid(naive, BERLIN, 15)


def test_first_day_after_last_day_is_rejected():
    with pytest.raises(ValueError):
        find_slots([], BERLIN, MONDAY, MONDAY - timedelta(days=1), not_before=LONG_AGO)


@pytest.mark.parametrize("step", [0, -15, 7, 241, 480, 1440])
def test_bad_grid_step_is_rejected(step):
    with pytest.raises(ValueError):
        find_slots([], BERLIN, MONDAY, MONDAY, step_minutes=step, not_before=LONG_AGO)
    with pytest.raises(ValueError):
        on_grid(local(MONDAY, "09:00"), BERLIN, step)


@pytest.mark.parametrize("minutes", [0, -30])
def test_non_positive_duration_is_rejected(minutes):
    with pytest.raises(ValueError):
        staff_member(every_day(span("09:00", "12:00")), minutes=minutes)


@pytest.mark.parametrize(("start", "end"), [("10:00", "10:00"), ("12:00", "09:00")])
def test_empty_or_reversed_local_span_is_rejected(start, end):
    with pytest.raises(ValueError):
        span(start, end)


def test_other_invalid_input_is_rejected():
    with pytest.raises(ValueError):
        Interval(local(MONDAY, "10:00"), local(MONDAY, "09:00"))
    with pytest.raises(ValueError):
        WorkingHours({7: DayPlan()})
    with pytest.raises(ValueError):
        WorkingHours({}, overrides={datetime(2026, 6, 15, tzinfo=UTC): DayPlan()})
    with pytest.raises(ValueError):
        find_slots([], BERLIN, local(MONDAY, "00:00"), MONDAY, not_before=LONG_AGO)
    with pytest.raises(ValueError):
        fits_working_hours(every_day(span("09:00", "12:00")), local(MONDAY, "10:00"), local(MONDAY, "10:00"), BERLIN)
    twice = [staff_member(every_day(span("09:00", "12:00"))), staff_member(every_day(span("13:00", "15:00")))]
    with pytest.raises(ValueError):
        find_slots(twice, BERLIN, MONDAY, MONDAY, not_before=LONG_AGO)


# ---------------------------------------------------------------- a full search


def _reference_slots(staff, tz, first_day, last_day, step_minutes, not_before):
    """The rules applied literally, every grid point against every interval.

    Shift and break boundaries are taken as plain wall times, so the plans
    must not put them inside a DST change.
    """
    days = []
    day = first_day
    while day <= last_day:
        midnight = datetime.combine(day, time())
        instants = sorted(
            {
                instant
                for minute in range(0, 1440, step_minutes)
                for instant in _occurrences(midnight + timedelta(minutes=minute), tz)
            }
        )
        plans = {m.staff_member_id: m.working_hours.plan_for(day) for m in staff}
        slots = []
        for instant in instants:
            if instant < not_before:
                continue
            ids = []
            for member in sorted(staff, key=lambda m: m.staff_member_id):
                end = instant + member.duration
                plan = plans[member.staff_member_id]
                inside = any(start <= instant and end <= stop for start, stop in _spans(day, plan.shifts, tz))
                blocked = _spans(day, plan.breaks, tz) + [(b.start, b.end) for b in member.busy]
                if inside and not any(start < end and instant < stop for start, stop in blocked):
                    ids.append(member.staff_member_id)
            if ids:
                slots.append(Slot(instant.astimezone(tz), tuple(ids)))
        days.append(DaySlots(day, tuple(slots)))
        day += timedelta(days=1)
    return tuple(days)


def _occurrences(wall, tz):
    instants = (wall.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
    return [instant for instant in instants if instant.astimezone(tz).replace(tzinfo=None) == wall]


def _spans(day, local_spans, tz):
    return [(datetime.combine(day, s.start, tz), datetime.combine(day, s.end, tz)) for s in local_spans]


def _salon(first_day: date, days: int) -> list[StaffAvailability]:
    rng = random.Random(20260323)
    weekly = DayPlan((span("09:00", "18:00"),), breaks=(span("13:00", "13:30"),))
    staff = []
    for staff_member_id in range(20, 0, -1):  # deliberately not in id order
        working_days = {weekday: weekly for weekday in range(7) if weekday != staff_member_id % 7}
        overrides = {first_day + timedelta(days=2): DayPlan()} if staff_member_id == 5 else {}
        appointments = []
        for _ in range(50):
            day = first_day + timedelta(days=rng.randrange(days))
            start = local(day, "09:00") + timedelta(minutes=15 * rng.randrange(36))
            appointments.append(Interval(start, start + timedelta(minutes=rng.choice([30, 45, 60, 90]))))
        rng.shuffle(appointments)
        staff.append(
            StaffAvailability(
                staff_member_id,
                timedelta(minutes=rng.choice([30, 45, 60])),
                WorkingHours(working_days, overrides),
                tuple(appointments),
            )
        )
    return staff


def test_twenty_staff_over_fourteen_days_including_a_dst_change():
    first_day = date(2026, 3, 23)  # Monday; Sunday 2026-03-29 springs forward
    last_day = first_day + timedelta(days=13)
    staff = _salon(first_day, 14)
    not_before = local(first_day, "12:07")

    days = find_slots(staff, BERLIN, first_day, last_day, not_before=not_before)

    assert days == _reference_slots(staff, BERLIN, first_day, last_day, 15, not_before)
    assert [d.day for d in days] == [first_day + timedelta(days=n) for n in range(14)]
    assert walls(days[0])[0] == "12:15"
    assert walls(days[1])[0] == "09:00"
    assert all(on_grid(s.start, BERLIN, 15) and s.start.tzinfo is BERLIN for d in days for s in d.slots)
    assert all(not 13 * 60 < s.start.hour * 60 + s.start.minute < 13 * 60 + 30 for d in days for s in d.slots)
    assert all(5 not in s.staff_member_ids for s in days[2].slots)  # date override: day off
    assert all(7 not in s.staff_member_ids for s in days[0].slots)  # 7 % 7 == 0: Mondays off
    spring = days[6]
    assert spring.day == date(2026, 3, 29)
    assert walls(spring)[0] == "09:00" and spring.slots[0].start.utcoffset() == timedelta(hours=2)
    for d in days:
        for s in d.slots:
            assert list(s.staff_member_ids) == sorted(set(s.staff_member_ids))


def test_fits_working_hours_compares_instants_not_wall_clocks_on_the_fall_back_day():
    berlin = ZoneInfo("Europe/Berlin")
    night = WorkingHours({6: DayPlan(shifts=(LocalSpan(time(0), time(6)),))})
    first = datetime(2026, 10, 25, 2, 30, tzinfo=berlin, fold=0)  # 02:30+02:00
    second = datetime(2026, 10, 25, 2, 30, tzinfo=berlin, fold=1)  # 02:30+01:00, an hour later
    assert fits_working_hours(night, first, second, berlin)
    with pytest.raises(ValueError):
        fits_working_hours(night, second, first, berlin)


def test_busy_times_given_as_utc_microseconds_count_like_intervals():
    berlin = ZoneInfo("Europe/Berlin")
    hours = WorkingHours({0: DayPlan(shifts=(LocalSpan(time(9), time(12)),))})
    monday = date(2027, 5, 3)
    busy = Interval(datetime(2027, 5, 3, 8, tzinfo=UTC), datetime(2027, 5, 3, 9, tzinfo=UTC))  # 10:00-11:00 local
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    as_micros = tuple((moment - epoch) // timedelta(microseconds=1) for moment in (busy.start, busy.end))
    now = datetime(2027, 1, 1, tzinfo=UTC)

    def starts(member):
        [day] = find_slots([member], berlin, monday, monday, step_minutes=60, not_before=now)
        return [slot.start.hour for slot in day.slots]

    assert starts(StaffAvailability(1, timedelta(hours=1), hours, busy=(busy,))) == [9, 11]
    assert starts(StaffAvailability(1, timedelta(hours=1), hours, busy_us=(as_micros,))) == [9, 11]
