"""The no-overlap rule lives in the database itself, on PostgreSQL and on SQLite."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from bookings.models import EVENT_CLOSED, NO_OVERLAP, ONE_SEAT_EACH, ONE_SEAT_EACH_ON_SQLITE, SEATS_FULL, metadata
from salon_infra.migrations import upgrade
from salon_infra.testing import schema_drift

INSERT = text(
    "INSERT INTO appointments (company_id, client_id, staff_member_id, starts_at, ends_at, comment, source, "
    "created_by_kind, created_by_id, visit_status, version, created_at, updated_at, cancelled_at) VALUES "
    "(:company, 1, :staff, :start, :end, '', 'admin', 'user', 1, 'pending', 1, :start, :start, :cancelled)"
)


def at(hour, minute=0):
    return datetime(2027, 6, 7, hour, minute, tzinfo=UTC)


def stamp(connection, moment):
    """SQLite keeps naive UTC text, as UtcDateTime writes it."""
    return moment.replace(tzinfo=None) if connection.dialect.name == "sqlite" else moment


def raw_insert(connection, start, end, staff=9, company=1, cancelled=None):
    values = {"company": company, "staff": staff, "start": stamp(connection, start), "end": stamp(connection, end)}
    connection.execute(INSERT, {**values, "cancelled": cancelled})


@pytest.fixture(params=["postgresql", "sqlite"])
def raw_engine(request, database_url, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/bookings.sqlite3"
        upgrade("bookings", url)
    else:
        url = database_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = create_engine(url)
    yield engine
    engine.dispose()


def test_sql_written_by_hand_still_cannot_overlap(raw_engine):
    with raw_engine.begin() as connection:
        raw_insert(connection, at(10), at(11))
    for start, end in [(at(10, 30), at(10, 45)), (at(9), at(10, 1)), (at(9), at(12))]:
        with pytest.raises(IntegrityError, match=NO_OVERLAP), raw_engine.begin() as connection:
            raw_insert(connection, start, end)
    with raw_engine.begin() as connection:
        raw_insert(connection, at(11), at(12))  # back to back
        raw_insert(connection, at(10), at(11), staff=10)
        raw_insert(connection, at(10), at(11), company=2)
        raw_insert(connection, at(10), at(11), cancelled=at(8))  # cancelled rows do not count


def test_moving_a_row_onto_another_is_refused(raw_engine):
    with raw_engine.begin() as connection:
        raw_insert(connection, at(14), at(15), staff=11)
        raw_insert(connection, at(16), at(17), staff=11)
    move = text(
        "UPDATE appointments SET starts_at = :start, ends_at = :end WHERE staff_member_id = 11 AND starts_at > :start"
    )
    with pytest.raises(IntegrityError, match=NO_OVERLAP), raw_engine.begin() as connection:
        connection.execute(move, {"start": stamp(connection, at(14, 30)), "end": stamp(connection, at(15, 30))})


GROUP_EVENT = text(
    "INSERT INTO group_events (company_id, staff_member_id, service_id, service_title, price, comment, starts_at, "
    "ends_at, capacity, created_by_kind, created_by_id, created_at, updated_at, version) VALUES "
    "(1, :staff, 4, 'Yoga', 1500, '', :start, :end, :capacity, 'user', 1, :start, :start, 1) RETURNING id"
)
BREAK = text(
    "INSERT INTO breaks (company_id, staff_member_id, starts_at, ends_at, created_by_id, created_at, version) "
    "VALUES (1, :staff, :start, :end, 1, :start, 1)"
)
SEAT = text(
    "INSERT INTO appointments (company_id, client_id, staff_member_id, starts_at, ends_at, comment, source, "
    "created_by_kind, created_by_id, visit_status, version, created_at, updated_at, group_event_id) VALUES "
    "(1, :client, :staff, :start, :end, '', 'admin', 'user', 1, 'pending', 1, :start, :start, :event) RETURNING id"
)


def times(connection, start, end, **more):
    return {"start": stamp(connection, start), "end": stamp(connection, end), **more}


def test_group_events_and_breaks_claim_the_same_time_as_appointments(raw_engine):
    with raw_engine.begin() as connection:
        raw_insert(connection, at(10), at(11), staff=21)
        connection.execute(GROUP_EVENT, times(connection, at(11), at(12), staff=21, capacity=5))
        connection.execute(BREAK, times(connection, at(12), at(12, 30), staff=21))
    for statement, start, end in [
        (BREAK, at(10, 30), at(10, 45)),  # a break over an appointment
        (BREAK, at(11, 50), at(12, 10)),  # over a group event and the break
        (GROUP_EVENT, at(9, 30), at(10, 30)),  # an event over an appointment
    ]:
        with pytest.raises(IntegrityError, match=NO_OVERLAP), raw_engine.begin() as connection:
            connection.execute(statement, times(connection, start, end, staff=21, capacity=5))
    with pytest.raises(IntegrityError, match=NO_OVERLAP), raw_engine.begin() as connection:
        raw_insert(connection, at(12, 15), at(13), staff=21)  # an appointment over a break
    with raw_engine.begin() as connection:
        connection.execute(text("UPDATE breaks SET removed_at = starts_at WHERE staff_member_id = 21"))
        raw_insert(connection, at(12, 15), at(13), staff=21)  # a removed break frees its time


def test_the_database_counts_the_seats_and_refuses_one_too_many(raw_engine):
    with raw_engine.begin() as connection:
        event = connection.execute(GROUP_EVENT, times(connection, at(15), at(16), staff=22, capacity=2)).scalar_one()
        seats = [
            connection.execute(
                SEAT, times(connection, at(15), at(16), staff=22, client=client, event=event)
            ).scalar_one()
            for client in (1, 2)
        ]
        raw_insert(connection, at(16), at(17), staff=22)  # seats claim no time of their own; the event does
    with pytest.raises(IntegrityError, match=SEATS_FULL), raw_engine.begin() as connection:
        connection.execute(SEAT, times(connection, at(15), at(16), staff=22, client=3, event=event))
    with (
        pytest.raises(IntegrityError, match=f"{ONE_SEAT_EACH}|{ONE_SEAT_EACH_ON_SQLITE}"),
        raw_engine.begin() as connection,
    ):
        connection.execute(text("UPDATE appointments SET cancelled_at = starts_at WHERE id = :id"), {"id": seats[0]})
        connection.execute(SEAT, times(connection, at(15), at(16), staff=22, client=2, event=event))
    with raw_engine.begin() as connection:
        connection.execute(text("UPDATE appointments SET cancelled_at = starts_at WHERE id = :id"), {"id": seats[0]})
        connection.execute(SEAT, times(connection, at(15), at(16), staff=22, client=3, event=event))
        taken = connection.execute(text("SELECT seats_taken FROM group_events WHERE id = :id"), {"id": event})
        assert taken.scalar_one() == 2
        connection.execute(text("UPDATE group_events SET cancelled_at = starts_at WHERE id = :id"), {"id": event})
    with pytest.raises(IntegrityError, match=EVENT_CLOSED), raw_engine.begin() as connection:
        connection.execute(text("UPDATE group_events SET capacity = 5 WHERE id = :id"), {"id": event})
        connection.execute(SEAT, times(connection, at(15), at(16), staff=22, client=4, event=event))


def test_migrations_match_the_models(database_url):
    assert schema_drift(database_url, metadata) == []
