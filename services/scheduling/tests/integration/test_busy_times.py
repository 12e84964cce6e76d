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


class Bookings:
    """The bookings service's two calls for the resync, answering from a list of its records."""

    def __init__(self, records: dict[str, list[dict]]):
        self.records, self.pages = records, 0

    def list_busy_records(self, company_id, query):
        self.pages += 1
        after = [r for r in self.records.get(query["kind"], []) if r["id"] > query["after_id"]]
        page = after[: query["limit"]]
        return {"records": [self._json(r) for r in page],
                "next_after_id": page[-1]["id"] if len(page) == query["limit"] else None}  # fmt: skip

    def busy_digest(self, company_id, query):
        return {kind: {"count": len(self.records.get(kind, [])),
                       "versions": sum(r["version"] for r in self.records.get(kind, []))}
                for kind in busy.KINDS}  # fmt: skip

    @staticmethod
    def _json(record):
        return {**record, "starts_at": record["starts_at"].isoformat(), "ends_at": record["ends_at"].isoformat()}


def test_a_lost_event_shows_as_drift_and_the_resync_repairs_it(uow, salon, monkeypatch):
    anna = salon.staff_member("Anna")
    company_id = salon.company_id
    base = company_id * 1000
    booked = [record(anna["id"], f"{10 + n}:00", 1, "booked", record_id=base + n) for n in range(3)]
    a_break = record(anna["id"], "15:00", 2, "removed", record_id=base, minutes=30)
    bookings = Bookings({"appointment": booked, "break": [a_break]})
    since = busy_times.resync_window_start()
    busy_times.record_busy_time(uow, company_id, busy.appointment_copy(booked[0]))  # the only event that came
    busy_times.record_busy_time(uow, company_id, busy.break_copy({**a_break, "version": 1, "state": "active"}))

    drift = busy_times.check_drift(uow, company_id, bookings.busy_digest, since)
    assert drift["drift"] and drift["ours"]["appointment"] == {"count": 1, "versions": 1}

    monkeypatch.setattr(busy_times, "PAGE", 2)  # pages: the appointments come in two
    assert busy_times.resync(uow, company_id, bookings.list_busy_records, since) == {"records": 4, "changed": 3}
    assert bookings.pages == 2 + 1 + 1
    assert not busy_times.check_drift(uow, company_id, bookings.busy_digest, since)["drift"]
    assert copy_of(uow, "break", base).active is False  # the lost removal, caught up
    assert busy_times.resync(uow, company_id, bookings.list_busy_records, since)["changed"] == 0  # once


def test_the_hourly_sweep_checks_every_company_and_repairs_the_one_that_drifted(uow, salon):
    anna = salon.staff_member("Anna")
    lost = record(anna["id"], "11:00", 1, "booked", record_id=salon.company_id * 1000 + 7)
    theirs = {salon.company_id: Bookings({"appointment": [lost]})}
    empty = Bookings({})

    def digest(company_id, query):
        return theirs.get(company_id, empty).busy_digest(company_id, query)

    def pages(company_id, query):
        return theirs.get(company_id, empty).list_busy_records(company_id, query)

    summary = busy_times.check_all_companies(uow, digest, pages)
    assert salon.company_id in summary["drifted"] and summary["repaired"] >= 1
    assert copy_of(uow, "appointment", lost["id"]).active is True
    assert salon.company_id not in busy_times.check_all_companies(uow, digest, pages)["drifted"]
