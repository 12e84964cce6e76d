"""The no-overlap rule lives in the database itself, on PostgreSQL and on SQLite."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from bookings.models import Base
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
        with pytest.raises(IntegrityError, match="appointments_no_overlap"), raw_engine.begin() as connection:
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
    with pytest.raises(IntegrityError, match="appointments_no_overlap"), raw_engine.begin() as connection:
        connection.execute(move, {"start": stamp(connection, at(14, 30)), "end": stamp(connection, at(15, 30))})


def test_migrations_match_the_models(database_url):
    assert schema_drift(database_url, Base.metadata) == []
