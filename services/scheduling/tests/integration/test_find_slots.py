from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from builders import BERLIN, a_future, at, next_last_sunday

from salon_infra.errors import InvalidInput

MONDAY = a_future(0)


def search(api, company_id, service_ids, day=MONDAY, last_day=None, **query):
    query = {
        "service_ids": service_ids,
        "date_from": day.isoformat(),
        "date_to": (last_day or day).isoformat(),
        **query,
    }
    return api.find_slots(company_id, query)


def starts(found, day_index=0):
    """The day's slot start times as local HH:MM, each with its staff."""
    return {slot["start"][11:16]: slot["staff_member_ids"] for slot in found["days"][day_index]["slots"]}


def test_the_answer(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "10:00")
    cut = salon.service("Cut", 30, staff=[anna["id"]])
    found = search(api, salon.company_id, [cut["id"]], last_day=MONDAY + timedelta(days=1))
    assert found == {
        "timezone": "Europe/Berlin",
        "step_minutes": 15,
        "days": [
            {
                "date": MONDAY.isoformat(),
                "slots": [
                    {"start": at(MONDAY, wall).isoformat(), "staff_member_ids": [anna["id"]]}
                    for wall in ("09:00", "09:15", "09:30")
                ],
            },
            {
                "date": (MONDAY + timedelta(days=1)).isoformat(),
                "slots": [
                    {"start": at(MONDAY + timedelta(days=1), wall).isoformat(), "staff_member_ids": [anna["id"]]}
                    for wall in ("09:00", "09:15", "09:30")
                ],
            },
        ],
    }


def test_busy_times_and_breaks_are_not_offered(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "13:00", breaks=[("11:00", "11:30")])
    cut = salon.service("Cut", 30, staff=[anna["id"]])
    salon.appointment(anna["id"], at(MONDAY, "09:30"), minutes=30)
    salon.appointment(anna["id"], at(MONDAY, "10:00"), minutes=30, state="cancelled")
    salon.break_(anna["id"], at(MONDAY, "12:00"), minutes=30)
    assert list(starts(search(api, salon.company_id, [cut["id"]]))) == [
        "09:00",
        "10:00",
        "10:15",
        "10:30",
        "11:30",
        "12:30",
    ]


def test_group_events_and_breaks_block_like_appointments_but_seats_do_not(api, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben")
    for member in (anna, ben):
        salon.works(member["id"], "09:00", "13:00")
    cut = salon.service("Cut", 60, staff=[anna["id"], ben["id"]])
    yoga = salon.group_event(anna["id"], at(MONDAY, "10:00"), minutes=60)
    salon.appointment(anna["id"], at(MONDAY, "10:00"), minutes=60, group_event_id=yoga)  # a seat in it
    salon.appointment(ben["id"], at(MONDAY, "12:00"), minutes=60, group_event_id=yoga)  # a seat, wrongly timed
    salon.group_event(anna["id"], at(MONDAY, "11:00"), minutes=60, state="cancelled")
    salon.break_(ben["id"], at(MONDAY, "09:30"), minutes=30)
    salon.break_(anna["id"], at(MONDAY, "12:00"), minutes=15, state="removed")
    for online in (True, False):
        found = starts(search(api, salon.company_id, [cut["id"]], online=online))
        assert [wall for wall, ids in found.items() if anna["id"] in ids] == [
            "09:00",
            "11:00",
            "11:15",
            "11:30",
            "11:45",
            "12:00",
        ]
        assert [wall for wall, ids in found.items() if ben["id"] in ids] == [
            "10:00",
            "10:15",
            "10:30",
            "10:45",
            "11:00",
            "11:15",
            "11:30",
            "11:45",
            "12:00",
        ]


def test_a_break_of_weeks_blocks_every_day_it_covers(api, salon):
    """Breaks are looked up a month back, not a week like appointments."""
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "10:00")
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    begins, ends = at(MONDAY - timedelta(days=20), "00:00"), at(MONDAY, "09:30")
    salon.break_(anna["id"], begins, minutes=(ends.astimezone(UTC) - begins.astimezone(UTC)) // timedelta(minutes=1))
    found = search(api, salon.company_id, [cut["id"]], last_day=MONDAY + timedelta(days=1))
    assert starts(found, 0) == {} and list(starts(found, 1)) == ["09:00"]


def test_online_a_group_service_offers_no_start_but_staff_still_find_times(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "11:00")
    yoga = salon.service("Yoga", 60, staff=[anna["id"]], group_capacity=12)
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    assert yoga["group_capacity"] == 12
    online = search(api, salon.company_id, [yoga["id"]], last_day=MONDAY + timedelta(days=1))
    assert [day["slots"] for day in online["days"]] == [[], []]
    assert search(api, salon.company_id, [yoga["id"]], staff_member_id=anna["id"])["days"][0]["slots"] == []
    assert starts(search(api, salon.company_id, [cut["id"], yoga["id"]])) == {}
    assert list(starts(search(api, salon.company_id, [yoga["id"]], online=False))) == [
        "09:00",
        "09:15",
        "09:30",
        "09:45",
        "10:00",
    ]
    assert list(starts(search(api, salon.company_id, [cut["id"]]))) == ["09:00", "09:15", "09:30", "09:45", "10:00"]

    api.update_service(salon.company_id, yoga["id"], {"group_capacity": None})  # an individual service again
    assert list(starts(search(api, salon.company_id, [yoga["id"]]))) == ["09:00", "09:15", "09:30", "09:45", "10:00"]


def test_services_add_up_with_each_staff_members_own_duration(api, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben")
    for member in (anna, ben):
        salon.works(member["id"], "09:00", "11:00")
    cut = salon.service("Cut", 30, staff=[anna["id"], {"staff_member_id": ben["id"], "duration_minutes": 60}])
    wash = salon.service("Wash", 15, staff=[anna["id"], ben["id"]])
    found = starts(search(api, salon.company_id, [cut["id"], wash["id"]]))
    # Anna: 30 + 15 minutes; Ben: 60 + 15.
    assert found["09:00"] == found["09:45"] == sorted([anna["id"], ben["id"]])
    assert found["10:00"] == found["10:15"] == [anna["id"]] and "10:30" not in found


def test_any_staff_merges_and_a_chosen_one_narrows(api, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben")
    salon.works(anna["id"], "09:00", "11:00")
    salon.works(ben["id"], "10:00", "12:00")
    cut = salon.service("Cut", 60, staff=[anna["id"], ben["id"]])
    salon.appointment(ben["id"], at(MONDAY, "10:00"))
    both = starts(search(api, salon.company_id, [cut["id"]]))
    assert both == {
        "09:00": [anna["id"]],
        "09:15": [anna["id"]],
        "09:30": [anna["id"]],
        "09:45": [anna["id"]],
        "10:00": [anna["id"]],
        "11:00": [ben["id"]],
    }
    assert list(starts(search(api, salon.company_id, [cut["id"]], staff_member_id=ben["id"]))) == ["11:00"]


def test_online_search_respects_the_online_flags(api, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben", bookable_online=False)
    gone = salon.staff_member("Carl", active=False)
    for member in (anna, ben, gone):
        salon.works(member["id"], "09:00", "10:00")
    cut = salon.service("Cut", 60, staff=[anna["id"], ben["id"], gone["id"]])
    beard = salon.service("Beard", 60, staff=[anna["id"]], bookable_online=False)
    assert starts(search(api, salon.company_id, [cut["id"]])) == {"09:00": [anna["id"]]}
    offline = starts(search(api, salon.company_id, [cut["id"]], online=False))
    assert offline == {"09:00": sorted([anna["id"], ben["id"]])}
    assert starts(search(api, salon.company_id, [beard["id"]], online=False)) == {"09:00": [anna["id"]]}
    assert starts(search(api, salon.company_id, [beard["id"]])) == {}  # nobody may be booked online for it
    with pytest.raises(InvalidInput) as problem:
        search(api, salon.company_id, [beard["id"]], staff_member_id=anna["id"])
    assert problem.value.errors == {"staff_member_id": ["Beard cannot be booked online"]}
    for chosen in (ben["id"], gone["id"]):
        with pytest.raises(InvalidInput) as problem:
            search(api, salon.company_id, [cut["id"]], staff_member_id=chosen)
        assert list(problem.value.errors) == ["staff_member_id"]


def test_staff_who_do_not_perform_every_service_are_left_out(api, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben")
    for member in (anna, ben):
        salon.works(member["id"], "09:00", "10:00")
    cut = salon.service("Cut", 30, staff=[anna["id"], ben["id"]])
    colour = salon.service("Colour", 30, staff=[anna["id"]])
    found = starts(search(api, salon.company_id, [cut["id"], colour["id"]]))
    assert list(found) == ["09:00"] and found["09:00"] == [anna["id"]]
    with pytest.raises(InvalidInput) as problem:
        search(api, salon.company_id, [cut["id"], colour["id"]], staff_member_id=ben["id"])
    assert "does not perform Colour" in str(problem.value.errors["staff_member_id"])


def test_overrides_and_the_company_grid(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "10:00")
    api.set_date_override(salon.company_id, anna["id"], MONDAY.isoformat(), [{"start": "14:00", "end": "15:30"}], [])
    api.update_company(salon.company_id, {"slot_step_minutes": 30})
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    found = search(api, salon.company_id, [cut["id"]], last_day=MONDAY + timedelta(days=1))
    assert found["step_minutes"] == 30
    assert list(starts(found, 0)) == ["14:00", "14:30"] and list(starts(found, 1)) == ["09:00"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"service_ids": []}, "service_ids"),
        ({"service_ids": [1] * 2}, "service_ids"),
        ({"service_ids": list(range(1, 12))}, "service_ids"),
        ({"service_ids": [999_999_999]}, "service_ids"),
        ({"date_to": (MONDAY - timedelta(days=1)).isoformat()}, "date_to"),
        ({"date_to": (MONDAY + timedelta(days=62)).isoformat()}, "date_to"),
        ({"date_from": "tomorrow"}, "date_from"),
        ({"staff_member_id": 999_999_999}, "staff_member_id"),
    ],
)
def test_query_rules_name_the_field(api, salon, query, field):
    anna = salon.staff_member("Anna")
    cut = salon.service("Cut", 30, staff=[anna["id"]])
    query = {"service_ids": [cut["id"]], "date_from": MONDAY.isoformat(), "date_to": MONDAY.isoformat(), **query}
    with pytest.raises(InvalidInput) as problem:
        api.find_slots(salon.company_id, query)
    assert list(problem.value.errors) == [field]


def test_62_days_at_once(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "10:00")
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    found = search(api, salon.company_id, [cut["id"]], last_day=MONDAY + timedelta(days=61))
    assert len(found["days"]) == 62 and all(starts(found, i) == {"09:00": [anna["id"]]} for i in range(62))


def test_slots_across_the_dst_changes_carry_their_own_offset(api, salon):
    spring, autumn = next_last_sunday(3), next_last_sunday(10)
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "01:00", "05:00", weekdays=[6])
    cut = salon.service("Cut", 60, staff=[anna["id"]])

    spring_slots = [slot["start"] for slot in search(api, salon.company_id, [cut["id"]], spring)["days"][0]["slots"]]
    # 02:00-03:00 does not exist: three working hours, 01:00 CET to 05:00 CEST.
    assert spring_slots == [
        f"{spring}T01:00:00+01:00",
        f"{spring}T01:15:00+01:00",
        f"{spring}T01:30:00+01:00",
        f"{spring}T01:45:00+01:00",
        f"{spring}T03:00:00+02:00",
        f"{spring}T03:15:00+02:00",
        f"{spring}T03:30:00+02:00",
        f"{spring}T03:45:00+02:00",
        f"{spring}T04:00:00+02:00",
    ]
    autumn_slots = [slot["start"] for slot in search(api, salon.company_id, [cut["id"]], autumn)["days"][0]["slots"]]
    # 02:00-03:00 happens twice: five working hours, 01:00 CEST to 05:00 CET.
    assert len(autumn_slots) == 17
    assert autumn_slots[0] == f"{autumn}T01:00:00+02:00" and autumn_slots[-1] == f"{autumn}T04:00:00+01:00"
    assert f"{autumn}T02:30:00+02:00" in autumn_slots and f"{autumn}T02:30:00+01:00" in autumn_slots
    instants = [datetime.fromisoformat(start) for start in autumn_slots]
    assert all(later - earlier == timedelta(minutes=15) for earlier, later in pairwise(instants))


def test_the_past_is_not_offered(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "00:00", "23:59")
    cut = salon.service("Cut", 15, staff=[anna["id"]])
    today = datetime.now(UTC).astimezone(BERLIN).date()
    found = search(api, salon.company_id, [cut["id"]], today - timedelta(days=1), today)
    assert found["days"][0]["slots"] == []
    assert all(datetime.fromisoformat(slot["start"]) >= datetime.now(UTC) for slot in found["days"][1]["slots"])
