"""The slot engine: free appointment start times on a local wall-clock grid.

Instants are handled internally as integer microseconds since the Unix epoch
(UTC). Local wall-clock time appears only at the edges: the staff members'
working hours going in, and the offered slot start times coming out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

__all__ = [
    "DayPlan",
    "DaySlots",
    "Interval",
    "LocalSpan",
    "Slot",
    "StaffAvailability",
    "WorkingHours",
    "find_slots",
    "fits_working_hours",
    "merge_days",
    "on_grid",
    "thin_to_display",
    "working_intervals",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_DAY_MINUTES = 24 * 60
_DAY_US = _DAY_MINUTES * _MINUTE_US


# ---------------------------------------------------------------- value objects


@dataclass(frozen=True)
class Interval:
    """Half-open [start, end) between two aware datetimes, compared as instants."""

    start: datetime
    end: datetime
    # The instants as UTC microseconds, computed once here because the slot
    # search reads them for every busy interval on every request.
    _start_us: int = field(init=False, repr=False, compare=False)
    _end_us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            start_us, end_us = _to_us(self.start), _to_us(self.end)
        except TypeError:  # naive datetimes cannot be subtracted from an aware one
            raise ValueError(f"Interval needs aware datetimes, got {self.start!r}, {self.end!r}") from None
        if end_us < start_us:
            raise ValueError(f"Interval ends before it starts: {self.start} > {self.end}")
        object.__setattr__(self, "_start_us", start_us)
        object.__setattr__(self, "_end_us", end_us)


@dataclass(frozen=True)
class LocalSpan:
    """A wall-clock span within one local day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(f"LocalSpan needs naive datetime.time values, got {value!r}")
        if self.start >= self.end:
            raise ValueError(f"LocalSpan must start before it ends: {self.start}-{self.end}")


@dataclass(frozen=True)
class DayPlan:
    """One day's plan in local wall-clock time; no shifts means a day off."""

    shifts: tuple[LocalSpan, ...] = ()
    breaks: tuple[LocalSpan, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "shifts", tuple(self.shifts))
        object.__setattr__(self, "breaks", tuple(self.breaks))


_DAY_OFF = DayPlan()


@dataclass(frozen=True)
class WorkingHours:
    """A weekly plan (0=Monday..6=Sunday) plus dated overrides of whole days."""

    weekly: Mapping[int, DayPlan]
    overrides: Mapping[date, DayPlan] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for weekday in self.weekly:
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
        for day in self.overrides:
            _require_date(day, "override key")  # a datetime key would never match a date lookup

    def plan_for(self, day: date) -> DayPlan:
        plan = self.overrides.get(day)
        if plan is None:
            plan = self.weekly.get(day.weekday(), _DAY_OFF)
        return plan


@dataclass(frozen=True)
class StaffAvailability:
    """A staff member to search. Busy times come as Intervals, or, from callers reading them
    in bulk, as (start, end) pairs of UTC microseconds since the epoch in `busy_us`."""

    staff_member_id: int
    duration: timedelta
    working_hours: WorkingHours
    busy: Sequence[Interval] = ()
    busy_us: Sequence[tuple[int, int]] = ()

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError(f"duration must be positive, got {self.duration}")


@dataclass(frozen=True)
class Slot:
    start: datetime
    staff_member_ids: tuple[int, ...]


@dataclass(frozen=True)
class DaySlots:
    day: date
    slots: tuple[Slot, ...]


# ---------------------------------------------------------------- public API


def working_intervals(working_hours: WorkingHours, day: date, tz: ZoneInfo) -> tuple[Interval, ...]:
    """The day's shifts minus its breaks, as UTC intervals, sorted, merged."""
    _require_date(day, "day")
    return tuple(
        Interval(_to_datetime(start), _to_datetime(end))
        for start, end in _working_us(working_hours.plan_for(day), day, tz)
    )


def find_slots(
    staff: Sequence[StaffAvailability],
    tz: ZoneInfo,
    first_day: date,
    last_day: date,
    *,
    step_minutes: int = 15,
    not_before: datetime,
    starts_between: tuple[int, int] = (0, _DAY_MINUTES),
) -> tuple[DaySlots, ...]:
    """Free start times for every local day in [first_day, last_day] (inclusive).

    Only starts whose local minute of the day lies in `starts_between` (inclusive) are offered.
    Days without any slot are included with an empty tuple.
    """
    _require_step(step_minutes)
    _require_aware(not_before, "not_before")
    _require_date(first_day, "first_day")
    _require_date(last_day, "last_day")
    if first_day > last_day:
        raise ValueError(f"first_day {first_day} is after last_day {last_day}")
    staff = sorted(staff, key=lambda member: member.staff_member_id)
    _require_unique_ids(staff)

    not_before_us = _to_us(not_before)
    calendars = [_StaffCalendar.of(member) for member in staff]
    days = []
    day = first_day
    while day <= last_day:
        days.append(DaySlots(day, _slots_for_day(calendars, day, tz, step_minutes, not_before_us, starts_between)))
        day += timedelta(days=1)
    return tuple(days)


def merge_days(*searches: Sequence[DaySlots]) -> tuple[DaySlots, ...]:
    """Searches of the same days (e.g. for staff with different timings) as one answer."""
    merged = []
    for same_day in zip(*searches, strict=True):
        ids_at: dict[datetime, set[int]] = {}
        for day in same_day:
            for slot in day.slots:
                ids_at.setdefault(slot.start, set()).update(slot.staff_member_ids)
        starts = sorted(ids_at, key=_to_us)
        merged.append(DaySlots(same_day[0].day, tuple(Slot(start, tuple(sorted(ids_at[start]))) for start in starts)))
    return tuple(merged)


def thin_to_display(days: Sequence[DaySlots], display_minutes: int) -> tuple[DaySlots, ...]:
    """At most one slot per `display_minutes` of the local day: the earliest free one.

    With a 15-minute search and a 60-minute display, 10:00 is offered when free, else
    10:15 if that is, and so on; a repeated (fall-back) hour has buckets of its own.
    """
    _require_step(display_minutes)
    thinned = []
    for day in days:
        seen, kept = set(), []
        for slot in day.slots:
            bucket = (slot.start.fold, (slot.start.hour * 60 + slot.start.minute) // display_minutes)
            if bucket not in seen:
                seen.add(bucket)
                kept.append(slot)
        thinned.append(DaySlots(day.day, tuple(kept)))
    return tuple(thinned)


def fits_working_hours(working_hours: WorkingHours, start: datetime, end: datetime, tz: ZoneInfo) -> bool:
    """True if [start, end) lies inside one continuous working interval of the local day of `start`.

    Used to validate an online booking.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    start_us, end_us = _to_us(start), _to_us(end)
    if end_us <= start_us:  # as instants: one zone's datetimes compare by wall clock, ignoring fold
        raise ValueError(f"booking must end after it starts: {start} >= {end}")
    day = start.astimezone(tz).date()
    return any(
        shift_start <= start_us and end_us <= shift_end
        for shift_start, shift_end in _working_us(working_hours.plan_for(day), day, tz)
    )


def on_grid(start: datetime, tz: ZoneInfo, step_minutes: int) -> bool:
    """True if `start`'s local minute-of-day is a multiple of step_minutes, with no seconds."""
    _require_step(step_minutes)
    _require_aware(start, "start")
    local = start.astimezone(tz)
    if local.second or local.microsecond:
        return False
    return (local.hour * 60 + local.minute) % step_minutes == 0


# ---------------------------------------------------------------- validation


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")


def _require_date(value: date, name: str) -> None:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{name} must be a date, got {value!r}")


def _require_step(step_minutes: int) -> None:
    if (
        not isinstance(step_minutes, int)
        or isinstance(step_minutes, bool)
        or not 1 <= step_minutes <= 240
        or 1440 % step_minutes
    ):
        raise ValueError(f"step_minutes must divide 1440 and lie in 1..240, got {step_minutes!r}")


def _require_unique_ids(staff: Sequence[StaffAvailability]) -> None:
    for previous, current in pairwise(staff):
        if previous.staff_member_id == current.staff_member_id:
            raise ValueError(f"staff member {current.staff_member_id} is listed twice")


# ---------------------------------------------------------------- instants


def _to_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _to_datetime(instant_us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=instant_us)


def _offset_at(instant_us: int, tz: ZoneInfo) -> timedelta:
    return _to_datetime(instant_us).astimezone(tz).utcoffset()


def _occurrences(wall: datetime, tz: ZoneInfo) -> tuple[int, ...]:
    """The instants at which naive local `wall` occurs: none in a gap, two when repeated."""
    earlier = wall.replace(tzinfo=tz, fold=0)
    later = wall.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() == later.utcoffset():  # fold only matters in a gap or a repeat
        return (_to_us(earlier),)
    return tuple(sorted(_to_us(c) for c in (earlier, later) if _round_trips(c)))


def _round_trips(local: datetime) -> bool:
    return local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(tzinfo=None)


def _gap_end(wall: datetime, tz: ZoneInfo) -> int:
    """The transition instant that ends the spring-forward gap containing naive `wall`."""
    # In a gap fold=1 applies the offset from after the transition and lands
    # before it; fold=0 applies the one from before and lands after it.
    # Bisect between the two: gaps need not be one hour long.
    before = _to_us(wall.replace(tzinfo=tz, fold=1))
    after = _to_us(wall.replace(tzinfo=tz, fold=0))
    old_offset = _offset_at(before, tz)
    while after - before > 1:
        middle = (before + after) // 2
        if _offset_at(middle, tz) == old_offset:
            before = middle
        else:
            after = middle
    return after


def _boundary(day: date, moment: time, tz: ZoneInfo, *, is_end: bool) -> int:
    """A shift or break boundary of `day` as an instant.

    A boundary inside a spring-forward gap becomes the transition instant. A
    repeated (fall-back) wall time becomes its earlier instant as a start and
    its later one as an end, so a span always covers the whole repeated hour.
    """
    midnight = _uniform_midnight(day, tz)
    if midnight is not None:
        return midnight + _time_us(moment)
    wall = datetime.combine(day, moment)
    occurrences = _occurrences(wall, tz)
    if not occurrences:
        return _gap_end(wall, tz)
    return occurrences[-1] if is_end else occurrences[0]


def _time_us(moment: time) -> int:
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return seconds * 1_000_000 + moment.microsecond


@lru_cache(maxsize=8192)
def _uniform_midnight(day: date, tz: ZoneInfo) -> int | None:
    """Local midnight of `day` as an instant, or None if the UTC offset changes that day.

    Assumes no local day holds two offset changes that cancel each other out;
    no tzdata zone has one.
    """
    start = _occurrences(datetime.combine(day, time()), tz)
    end = _occurrences(datetime.combine(day + timedelta(days=1), time()), tz)
    if len(start) != 1 or len(end) != 1 or end[0] - start[0] != _DAY_US:
        return None
    return start[0]


@dataclass(frozen=True)
class _Grid:
    """A local day's candidate start times, ascending by instant."""

    instants: tuple[int, ...]
    starts: tuple[datetime, ...]
    minutes: tuple[int, ...]  # each start's local minute of the day


@lru_cache(maxsize=256)  # an entry holds 1440 / step datetimes
def _grid(day: date, tz: ZoneInfo, step_minutes: int) -> _Grid:
    count = 1440 // step_minutes
    step = timedelta(minutes=step_minutes)
    midnight = _uniform_midnight(day, tz)
    if midnight is not None:
        local_midnight = datetime.combine(day, time(), tzinfo=tz)
        return _Grid(
            tuple(midnight + i * step_minutes * _MINUTE_US for i in range(count)),
            tuple(local_midnight + i * step for i in range(count)),
            tuple(i * step_minutes for i in range(count)),
        )
    wall_midnight = datetime.combine(day, time())
    instants = sorted(instant for i in range(count) for instant in _occurrences(wall_midnight + i * step, tz))
    starts = tuple(_to_datetime(i).astimezone(tz) for i in instants)
    return _Grid(tuple(instants), starts, tuple(start.hour * 60 + start.minute for start in starts))


# ---------------------------------------------------------------- intervals


@lru_cache(maxsize=4096)
def _working_us(plan: DayPlan, day: date, tz: ZoneInfo) -> tuple[tuple[int, int], ...]:
    """The plan's shifts minus its breaks as merged (start, end) instants."""
    if not plan.shifts:
        return ()
    shifts = _merge(_resolve_spans(plan.shifts, day, tz))
    if not plan.breaks:
        return tuple(shifts)
    breaks = _merge(_resolve_spans(plan.breaks, day, tz))
    return tuple(_subtract(shifts, [start for start, _ in breaks], [end for _, end in breaks]))


def _resolve_spans(spans: tuple[LocalSpan, ...], day: date, tz: ZoneInfo) -> list[tuple[int, int]]:
    resolved = []
    for span in spans:
        start = _boundary(day, span.start, tz, is_end=False)
        end = _boundary(day, span.end, tz, is_end=True)
        if start < end:  # a span lying wholly inside a DST gap vanishes
            resolved.append((start, end))
    return resolved


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and join overlapping or touching intervals."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(
    intervals: Iterable[tuple[int, int]], cut_starts: list[int], cut_ends: list[int]
) -> Iterator[tuple[int, int]]:
    """Yield `intervals` minus the cuts; both sorted and disjoint, cuts as parallel lists."""
    cut_count = len(cut_starts)
    for start, end in intervals:
        i = bisect_right(cut_ends, start)
        free_from = start
        while i < cut_count and cut_starts[i] < end:
            if cut_starts[i] > free_from:
                yield free_from, cut_starts[i]
            free_from = max(free_from, cut_ends[i])
            i += 1
        if free_from < end:
            yield free_from, end


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class _StaffCalendar:
    """A staff member prepared for the search: busy times sorted and merged once."""

    staff_member_id: int
    duration_us: int
    working_hours: WorkingHours
    busy_starts: list[int]
    busy_ends: list[int]

    @classmethod
    def of(cls, member: StaffAvailability) -> _StaffCalendar:
        busy = [(b._start_us, b._end_us) for b in member.busy]
        busy = _merge([(start, end) for start, end in (*busy, *member.busy_us) if start < end])
        return cls(
            member.staff_member_id,
            member.duration // _MICROSECOND,
            member.working_hours,
            [start for start, _ in busy],
            [end for _, end in busy],
        )


def _slots_for_day(
    calendars: list[_StaffCalendar],
    day: date,
    tz: ZoneInfo,
    step_minutes: int,
    not_before_us: int,
    starts_between: tuple[int, int],
) -> tuple[Slot, ...]:
    grid = _grid(day, tz, step_minutes)
    instants = grid.instants
    if not instants or instants[-1] < not_before_us:
        return ()
    ids_at: list[list[int]] = [[] for _ in instants]  # staff member ids free at each grid instant
    for calendar in calendars:
        working = _working_us(calendar.working_hours.plan_for(day), day, tz)
        if not working:
            continue
        staff_member_id = calendar.staff_member_id
        for free_start, free_end in _subtract(working, calendar.busy_starts, calendar.busy_ends):
            first = bisect_left(instants, max(free_start, not_before_us))
            stop = bisect_right(instants, free_end - calendar.duration_us)
            for index in range(first, stop):
                ids_at[index].append(staff_member_id)
    starts, minutes = grid.starts, grid.minutes
    earliest, latest = starts_between
    return tuple(
        Slot(starts[index], tuple(ids))
        for index, ids in enumerate(ids_at)
        if ids and earliest <= minutes[index] <= latest
    )
