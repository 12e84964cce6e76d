"""Slot search keeps each company's schedule in memory; every change to it shows at once."""

from builders import a_future, at
from sqlalchemy import text

from scheduling.handlers.schedules import SCHEDULES

WEDNESDAY = a_future(2)


def starts(api, salon, service, staff_member_id=None):
    query = {
        "service_ids": [service["id"]],
        "staff_member_id": staff_member_id,
        "date_from": WEDNESDAY.isoformat(),
        "date_to": WEDNESDAY.isoformat(),
    }
    return [slot["start"] for slot in api.find_slots(salon.company_id, query)["days"][0]["slots"]]


def test_every_kind_of_change_shows_in_the_next_search(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "12:00")
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    assert starts(api, salon, cut)[0] == at(WEDNESDAY, "09:00").isoformat()

    salon.works(anna["id"], "10:00", "12:00")  # weekly hours
    assert starts(api, salon, cut)[0] == at(WEDNESDAY, "10:00").isoformat()

    api.set_date_override(salon.company_id, anna["id"], WEDNESDAY.isoformat(), [{"start": "14:00", "end": "16:00"}], [])
    assert starts(api, salon, cut)[0] == at(WEDNESDAY, "14:00").isoformat()
    api.delete_date_override(salon.company_id, anna["id"], WEDNESDAY.isoformat())
    assert starts(api, salon, cut)[0] == at(WEDNESDAY, "10:00").isoformat()

    api.update_service(salon.company_id, cut["id"], {"duration_minutes": 120})  # a service's length
    assert starts(api, salon, cut) == [at(WEDNESDAY, "10:00").isoformat()]

    api.update_service(
        salon.company_id, cut["id"], {"staff": [{"staff_member_id": anna["id"], "duration_minutes": 30}]}
    )
    assert len(starts(api, salon, cut)) == 7  # her own 30 minutes

    api.update_staff_member(salon.company_id, anna["id"], {"bookable_online": False})
    assert starts(api, salon, cut) == []


def test_a_write_outside_the_service_code_still_shows(api, salon, uow):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "12:00")
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    assert starts(api, salon, cut)[0] == at(WEDNESDAY, "09:00").isoformat()
    with uow:  # e.g. a fix applied by hand: the trigger bumps the version all the same
        uow.session.execute(
            text("UPDATE weekly_hours SET start_time = '11:00' WHERE company_id = :company AND kind = 'shift'"),
            {"company": salon.company_id},
        )
        uow.commit()
    assert starts(api, salon, cut)[0] == at(WEDNESDAY, "11:00").isoformat()


def test_another_companys_change_does_not_touch_ours(api, salon, uow):
    from builders import Salon, new_company

    anna = salon.staff_member("Anna")
    salon.works(anna["id"])
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    starts(api, salon, cut)
    with uow:
        ours = SCHEDULES.get(uow.session, salon.company_id).schedule
    other = Salon(api, uow, new_company(api)["company"]["id"])
    other.works(other.staff_member("Ben")["id"])
    with uow:
        assert SCHEDULES.get(uow.session, salon.company_id).schedule is ours  # still cached, not reloaded


def test_busy_times_and_breaks_show_in_the_next_search(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "12:00")
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    nine = at(WEDNESDAY, "09:00").isoformat()
    assert nine in starts(api, salon, cut)
    appointment_id = salon.appointment(anna["id"], at(WEDNESDAY, "09:00"))
    assert nine not in starts(api, salon, cut)
    salon.appointment(anna["id"], at(WEDNESDAY, "09:00"), id=appointment_id, version=2, state="cancelled")
    assert nine in starts(api, salon, cut)
    break_id = salon.break_(anna["id"], at(WEDNESDAY, "09:30"), minutes=30)
    assert nine not in starts(api, salon, cut)
    salon.break_(anna["id"], at(WEDNESDAY, "09:30"), id=break_id, version=2, state="removed")
    assert nine in starts(api, salon, cut)
    event_id = salon.group_event(anna["id"], at(WEDNESDAY, "09:45"), minutes=15)
    assert nine not in starts(api, salon, cut)
    salon.group_event(anna["id"], at(WEDNESDAY, "10:00"), minutes=15, id=event_id, version=2)  # moved
    assert nine in starts(api, salon, cut)


def test_a_changed_length_shows_in_the_next_search(api, salon):
    anna = salon.staff_member("Anna")
    salon.works(anna["id"], "09:00", "12:00")
    cut = salon.service("Cut", 60, staff=[anna["id"]])
    appointment_id = salon.appointment(anna["id"], at(WEDNESDAY, "09:00"), minutes=60)
    assert at(WEDNESDAY, "10:00").isoformat() in starts(api, salon, cut)
    salon.appointment(anna["id"], at(WEDNESDAY, "09:00"), minutes=90, id=appointment_id, version=2)
    assert starts(api, salon, cut)[0] == at(WEDNESDAY, "10:30").isoformat()
