from datetime import timedelta

from builders import a_future, at
from sqlalchemy import select

from scheduling.handlers import busy_times
from scheduling.models import BusyTime

DAY = a_future(2)


def appointment(staff_member_id, wall, version, state="booked", appointment_id=424242):
    starts_at = at(DAY, wall)
    return {
        "id": appointment_id,
        "staff_member_id": staff_member_id,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "version": version,
        "state": state,
    }


def copy_of(uow, appointment_id):
    with uow:
        return uow.session.scalar(select(BusyTime).where(BusyTime.appointment_id == appointment_id))


def test_only_a_newer_version_changes_the_copy(uow, salon):
    anna = salon.staff_member()
    appointment_id = salon.appointment(anna["id"], at(DAY, "10:00"))  # version 1
    moved = {**appointment(anna["id"], "11:00", 2), "id": appointment_id}
    assert busy_times.record_appointment(uow, salon.company_id, moved)
    assert not busy_times.record_appointment(uow, salon.company_id, moved)  # redelivered
    assert not busy_times.record_appointment(
        uow, salon.company_id, {**moved, "version": 1, "starts_at": at(DAY, "10:00")}
    )
    copy = copy_of(uow, appointment_id)
    assert (copy.starts_at, copy.version, copy.active) == (at(DAY, "11:00"), 2, True)

    assert busy_times.record_appointment(uow, salon.company_id, {**moved, "version": 3, "state": "cancelled"})
    assert not busy_times.record_appointment(uow, salon.company_id, moved)  # a late reschedule does not revive it
    copy = copy_of(uow, appointment_id)
    assert (copy.version, copy.active) == (3, False)


def test_a_cancellation_arriving_first_wins(uow, salon):
    anna = salon.staff_member()
    cancelled = appointment(anna["id"], "10:00", 2, "deleted", appointment_id=434343)
    assert busy_times.record_appointment(uow, salon.company_id, cancelled)
    assert not busy_times.record_appointment(uow, salon.company_id, {**cancelled, "version": 1, "state": "booked"})
    assert copy_of(uow, 434343).active is False


def test_another_company_cannot_overwrite_the_copy(uow, salon):
    anna = salon.staff_member()
    appointment_id = salon.appointment(anna["id"], at(DAY, "10:00"))
    other = {**appointment(anna["id"], "15:00", 9), "id": appointment_id}
    assert not busy_times.record_appointment(uow, salon.company_id + 1, other)
    assert copy_of(uow, appointment_id).starts_at == at(DAY, "10:00")
