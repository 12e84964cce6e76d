"""What bookings gives scheduling to resync its copy of busy times, and to check it for drift."""

from datetime import timedelta

from test_handlers import MONDAY_10, STAFF_ACTOR, book
from tests.integration import act as handlers

from bookings.handlers import busy_records


def test_records_come_in_pages_whatever_their_state_and_the_digest_counts_their_versions(uow, scheduling, company_id):
    first = book(uow, scheduling, company_id).appointment
    second = book(uow, scheduling, company_id, starts_at=MONDAY_10 + timedelta(hours=2)).appointment
    handlers.cancel_appointment(uow, company_id, second.id, STAFF_ACTOR)
    old = book(uow, scheduling, company_id, starts_at=MONDAY_10 - timedelta(days=30)).appointment
    book(uow, scheduling, company_id + 1)  # another company's
    since = MONDAY_10 - timedelta(days=1)

    page = busy_records.busy_records(uow, company_id, "appointment", since, after_id=0, limit=1)
    assert [r["id"] for r in page["records"]] == [first.id] and page["next_after_id"] == first.id
    rest = busy_records.busy_records(uow, company_id, "appointment", since, after_id=first.id, limit=1)
    assert [(r["id"], r["state"], r["version"]) for r in rest["records"]] == [(second.id, "cancelled", 2)]
    last = busy_records.busy_records(uow, company_id, "appointment", since, after_id=second.id, limit=1)
    assert last == {"records": [], "next_after_id": None}  # the one that ended long before is not there
    assert old.id not in [r["id"] for r in page["records"] + rest["records"]]
    assert rest["records"][0]["group_event_id"] is None and rest["records"][0]["starts_at"].endswith("+00:00")

    digest = busy_records.busy_digest(uow, company_id, since)
    assert digest == {
        "appointment": {"count": 2, "versions": 1 + 2},
        "group_event": {"count": 0, "versions": 0},
        "break": {"count": 0, "versions": 0},
    }


def test_the_clients_a_staff_member_has_seen_are_theirs_to_read(uow, scheduling, company_id):
    from bookings import repository

    mine = book(uow, scheduling, company_id, staff=(5,), client_id=21).appointment
    book(uow, scheduling, company_id, staff=(6,), client_id=22, starts_at=MONDAY_10 + timedelta(hours=2))
    book(uow, scheduling, company_id + 1, staff=(5,), client_id=23)  # another salon's
    with uow:
        found = repository.clients_of_staff_member(uow.session, company_id, 5, [21, 22, 23, 24])
    assert found == [mine.client_id]
