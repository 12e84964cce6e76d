from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.domain import slots
from scheduling.domain.online_booking import (
    OnlineBookingRules,
    SlotTiming,
    TimingOverride,
    contact_problems,
    effective_timing,
    online_pool,
    prepayment_required,
    settings_problems,
)

BERLIN = ZoneInfo("Europe/Berlin")
COMPANY = SlotTiming(search_interval=15, display_interval=15, search_from=9 * 60, search_until=20 * 60)


def test_services_then_staff_then_company_decide_each_timing_setting():
    staff = TimingOverride(search_interval=30, search_from=10 * 60)
    services = [TimingOverride(), TimingOverride(search_from=12 * 60, display_interval=60)]
    assert effective_timing(COMPANY, staff, services) == SlotTiming(30, 60, 12 * 60, 20 * 60)
    assert effective_timing(COMPANY, TimingOverride(), []) == COMPANY


def test_the_window_and_grid_allow_a_start():
    assert COMPANY.allows_start(9 * 60) and COMPANY.allows_start(20 * 60)
    assert not COMPANY.allows_start(8 * 60 + 45) and not COMPANY.allows_start(9 * 60 + 5)


def test_contact_fields_required_and_hidden():
    rules = OnlineBookingRules(email_field="required", comment_field="hidden", comment_label="Car number")
    assert contact_problems(rules, {"email": " ", "comment": "x"}) == {
        "comment": ["This salon does not ask for a comment."],
        "email": ["email is required."],
    }
    assert contact_problems(rules, {"email": "a@b.de", "comment": ""}) == {}
    required_comment = OnlineBookingRules(comment_field="required", comment_label="Car number")
    assert contact_problems(required_comment, {}) == {"comment": ["Car number is required."]}


def test_name_fields_need_the_calendar_to_show_them():
    rules = OnlineBookingRules(last_name_field="required", middle_name_field="optional")
    assert set(settings_problems(rules, last_name_enabled=False, middle_name_enabled=False)) == {
        "last_name_field",
        "middle_name_field",
    }
    assert settings_problems(rules, last_name_enabled=True, middle_name_enabled=True) == {}


def test_who_takes_an_online_booking():
    assert online_pool(OnlineBookingRules(), None) == (None, None)
    assert online_pool(OnlineBookingRules(), 4) == ([4], None)
    assert online_pool(OnlineBookingRules(online_staff_member_id=9), 4) == ([9], None)
    _, problem = online_pool(OnlineBookingRules(any_specialist=False), None)
    assert "Choose a staff member" in problem


def test_prepayment_rules():
    on = OnlineBookingRules(online_payment=True)
    assert not prepayment_required(OnlineBookingRules(), ["required"], "required", any_specialist=False)
    assert prepayment_required(on, ["none"], "required", any_specialist=False)
    assert not prepayment_required(on, ["none"], "required", any_specialist=True)
    assert prepayment_required(on, ["none", "required"], "none", any_specialist=True)


def test_buffer_and_device_memory():
    now = datetime(2027, 1, 1, 12, tzinfo=UTC)
    assert OnlineBookingRules(buffer_minutes=90).earliest_start(now) == now + timedelta(minutes=90)
    assert OnlineBookingRules(push_confirmation=True).remembers_device()
    assert not OnlineBookingRules(push_confirmation=True, push_requires_login=True).remembers_device()
    assert not OnlineBookingRules().remembers_device()


def _day(starts: list[tuple[int, int]], staff=(1,)) -> slots.DaySlots:
    day = date(2027, 3, 3)
    return slots.DaySlots(
        day, tuple(slots.Slot(datetime.combine(day, time(h, m), tzinfo=BERLIN), staff) for h, m in starts)
    )


def test_display_thinning_keeps_the_earliest_free_start_per_period():
    day = _day([(9, 0), (9, 15), (9, 45), (10, 15), (10, 30), (12, 0)])
    [thinned] = slots.thin_to_display([day], 60)
    assert [slot.start.strftime("%H:%M") for slot in thinned.slots] == ["09:00", "10:15", "12:00"]


def test_merging_searches_joins_staff_at_the_same_start():
    [merged] = slots.merge_days([_day([(9, 0), (9, 30)], staff=(1,))], [_day([(9, 0), (9, 15)], staff=(2,))])
    assert [(s.start.strftime("%H:%M"), s.staff_member_ids) for s in merged.slots] == [
        ("09:00", (1, 2)),
        ("09:15", (2,)),
        ("09:30", (1,)),
    ]


def test_the_engine_offers_starts_only_inside_the_window():
    hours = slots.WorkingHours({2: slots.DayPlan((slots.LocalSpan(time(9), time(18)),))})
    member = slots.StaffAvailability(1, timedelta(minutes=30), hours)
    day = date(2027, 3, 3)
    [found] = slots.find_slots(
        [member], BERLIN, day, day, step_minutes=30, not_before=datetime(2027, 1, 1, tzinfo=UTC),
        starts_between=(10 * 60, 11 * 60),
    )  # fmt: skip
    assert [slot.start.strftime("%H:%M") for slot in found.slots] == ["10:00", "10:30", "11:00"]
