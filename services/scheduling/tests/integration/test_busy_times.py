from datetime import timedelta

import pytest
from builders import a_future, at
from sqlalchemy import select

from scheduling.domain import busy
from scheduling.handlers import busy_times
from scheduling.models import BusyTime

DAY = a_future(2)
KINDS = [
    ("appointment", busy.appointment_copy, "booked", "cancelled"),
    ("group_event", busy.group_event_copy, "booked", "cancelled"),
    ("break", busy.break_copy, "active", "removed"),
]


def record(staff_member_id, wall, version, state, record_id=424242, minutes=60):
    starts_at = at(DAY, wall)
    return {
        "id": record_id,
        "staff_member_id": staff_member_id,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "version": version,
        "state": state,
    }


def copy_of(uow, kind, source_id):
    with uow:
        return uow.session.scalar(select(BusyTime).where(BusyTime.kind == kind, BusyTime.source_id == source_id))


@pytest.mark.parametrize(("kind", "copy", "live", "gone"), KINDS)
def test_only_a_newer_version_changes_the_copy(uow, salon, kind, copy, live, gone):
    anna = salon.staff_member()
    company_id = salon.company_id
    first = record(anna["id"], "10:00", 1, live, record_id=515151)
    moved = record(anna["id"], "11:00", 2, live, record_id=515151)
    assert busy_times.record_busy_time(uow, company_id, copy(first))
    assert busy_times.record_busy_time(uow, company_id, copy(moved))
    assert not busy_times.record_busy_time(uow, company_id, copy(moved))  # redelivered
    assert not busy_times.record_busy_time(uow, company_id, copy(first))  # late
    stored = copy_of(uow, kind, 515151)
    assert (stored.starts_at, stored.version, stored.active) == (at(DAY, "11:00"), 2, True)

    assert busy_times.record_busy_time(uow, company_id, copy({**moved, "version": 3, "state": gone}))
    assert not busy_times.record_busy_time(uow, company_id, copy(moved))  # a late change does not revive it
    stored = copy_of(uow, kind, 515151)
    assert (stored.starts_at, stored.version, stored.active) == (at(DAY, "11:00"), 3, False)


@pytest.mark.parametrize(("kind", "copy", "live", "gone"), KINDS)
def test_an_end_arriving_first_wins(uow, salon, kind, copy, live, gone):
    anna = salon.staff_member()
    ended = record(anna["id"], "10:00", 2, gone, record_id=434343)
    assert busy_times.record_busy_time(uow, salon.company_id, copy(ended))
    assert not busy_times.record_busy_time(uow, salon.company_id, copy({**ended, "version": 1, "state": live}))
    assert copy_of(uow, kind, 434343).active is False


def test_the_three_kinds_may_share_an_id(uow, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben")
    appointment = record(anna["id"], "09:00", 1, "booked", record_id=616161)
    group_event = record(ben["id"], "12:00", 5, "booked", record_id=616161)
    break_ = record(anna["id"], "15:00", 1, "active", record_id=616161, minutes=30)
    assert busy_times.record_busy_time(uow, salon.company_id, busy.appointment_copy(appointment))
    assert busy_times.record_busy_time(uow, salon.company_id, busy.group_event_copy(group_event))
    assert busy_times.record_busy_time(uow, salon.company_id, busy.break_copy(break_))
    stored = {kind: copy_of(uow, kind, 616161) for kind in busy.KINDS}
    assert {kind: (row.staff_member_id, row.starts_at, row.version) for kind, row in stored.items()} == {
        "appointment": (anna["id"], at(DAY, "09:00"), 1),
        "group_event": (ben["id"], at(DAY, "12:00"), 5),
        "break": (anna["id"], at(DAY, "15:00"), 1),
    }
    # A newer version of one kind leaves the others of the same id alone.
    assert busy_times.record_busy_time(
        uow, salon.company_id, busy.break_copy({**break_, "version": 2, "state": "removed"})
    )
    assert copy_of(uow, "appointment", 616161).active and copy_of(uow, "group_event", 616161).active
    assert not copy_of(uow, "break", 616161).active


def test_a_seat_of_a_group_event_is_copied_but_not_busy(uow, salon):
    anna = salon.staff_member()
    seat = {**record(anna["id"], "10:00", 1, "booked", record_id=717171), "group_event_id": 99}
    assert busy_times.record_busy_time(uow, salon.company_id, busy.appointment_copy(seat))
    assert copy_of(uow, "appointment", 717171).active is False


def test_a_changed_length_moves_the_end(uow, salon):
    anna = salon.staff_member()
    appointment_id = salon.appointment(anna["id"], at(DAY, "10:00"), minutes=60)
    longer = {**record(anna["id"], "10:00", 2, "booked", record_id=appointment_id, minutes=90)}
    assert busy_times.record_busy_time(uow, salon.company_id, busy.appointment_copy(longer))
    stored = copy_of(uow, "appointment", appointment_id)
    assert (stored.starts_at, stored.ends_at) == (at(DAY, "10:00"), at(DAY, "11:30"))


def test_another_company_cannot_overwrite_the_copy(uow, salon):
    anna = salon.staff_member()
    appointment_id = salon.appointment(anna["id"], at(DAY, "10:00"))
    other = record(anna["id"], "15:00", 9, "booked", record_id=appointment_id)
    assert not busy_times.record_busy_time(uow, salon.company_id + 1, busy.appointment_copy(other))
    assert copy_of(uow, "appointment", appointment_id).starts_at == at(DAY, "10:00")


def test_a_batch_keeps_the_newest_version_of_each_record_whatever_its_order(uow, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben")
    company_id = salon.company_id
    booked = record(anna["id"], "09:00", 1, "booked", record_id=company_id * 10 + 1)
    moved = {**booked, "starts_at": at(DAY, "10:00"), "ends_at": at(DAY, "11:00"), "version": 2}
    other = record(ben["id"], "12:00", 1, "booked", record_id=company_id * 10 + 2)
    batch = [(company_id, busy.appointment_copy(r)) for r in (moved, other, booked, moved)]  # late and repeated
    assert busy_times.record_busy_times(uow, batch) == 2
    stored = copy_of(uow, "appointment", company_id * 10 + 1)
    assert (stored.starts_at, stored.version) == (at(DAY, "10:00"), 2)
    assert busy_times.record_busy_times(uow, batch) == 0  # the batch redelivered changes nothing
    assert busy_times.record_busy_times(uow, []) == 0
