import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from salon_infra.database import with_driver
from salon_infra.migrations import alembic_config, upgrade
from salon_infra.testing import schema_drift, temporary_database
from salon_infra.types import UtcDateTime
from scheduling.models import Base


def test_migrations_match_the_models(database_url):
    assert schema_drift(database_url, Base.metadata) == []


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_migrations_go_down_and_up_again(dialect, tmp_path):
    def round_trip(url):
        upgrade("scheduling", url)
        command.downgrade(alembic_config("scheduling", url), "0001")
        upgrade("scheduling", url)
        assert schema_drift(url, Base.metadata) == []

    if dialect == "sqlite":
        round_trip(f"sqlite:///{tmp_path}/scheduling.sqlite3")
    else:
        with temporary_database("scheduling_roundtrip") as url:
            round_trip(url)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_users_keep_their_role_across_migration_0005(dialect, tmp_path):
    def check(url):
        upgrade("scheduling", url, "0004")
        engine = create_engine(with_driver(url))
        with engine.begin() as connection:
            _company_with_users(connection)
        upgrade("scheduling", url, "0005")
        with engine.connect() as connection:
            assert _roles_of_users(connection) == [
                ("administrator", "administrator", True),
                ("owner", "owner", True),
                ("specialist", "specialist", True),
                ("stranger", "specialist", True),
            ]
            assert connection.execute(text("SELECT count(*) FROM roles")).scalar() == 3
        command.downgrade(alembic_config("scheduling", url), "0004")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT email, role FROM users ORDER BY email")).all()
        assert [tuple(row) for row in rows] == [
            ("administrator", "administrator"),
            ("owner", "owner"),
            ("specialist", "specialist"),
            ("stranger", "specialist"),
        ]
        engine.dispose()

    if dialect == "sqlite":
        check(f"sqlite:///{tmp_path}/scheduling.sqlite3")
    else:
        with temporary_database("scheduling_roles") as url:
            check(url)


def _company_with_users(connection) -> None:
    now = datetime.now(UTC)
    company_id = _company(connection)
    for role in ("owner", "administrator", "specialist", "stranger"):
        connection.execute(
            text(
                "INSERT INTO users (company_id, email, name, password_hash, role, active, created_at) "
                "VALUES (:company_id, :role, :role, 'x', :role, true, :now)"
            ).bindparams(bindparam("now", type_=UtcDateTime())),
            {"company_id": company_id, "role": role, "now": now},
        )


def _roles_of_users(connection) -> list[tuple]:
    rows = connection.execute(
        text("SELECT users.email, roles.name, roles.built_in FROM users JOIN roles ON roles.id = users.role_id")
    )
    return sorted((email, name, bool(built_in)) for email, name, built_in in rows)


def _company(connection) -> int:
    company = {"name": "S", "tz": "UTC", "cur": "EUR", "country": "DE", "step": 15, "now": datetime.now(UTC)}
    return connection.execute(
        text(
            "INSERT INTO companies (name, timezone, currency, country, slot_step_minutes, created_at) "
            "VALUES (:name, :tz, :cur, :country, :step, :now) RETURNING id"
        ).bindparams(bindparam("now", type_=UtcDateTime())),
        company,
    ).scalar()


_BUSY_COLUMNS = "company_id, staff_member_id, starts_at, ends_at, version, active, updated_at"
_BUSY_VALUES = ":company_id, 7, '2030-01-07 10:00:00', '2030-01-07 11:00:00', 1, true, '2030-01-01 00:00:00'"


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_migration_0006_keys_busy_times_by_kind_and_keeps_them_bumping_the_busy_version(dialect, tmp_path):
    def check(url):
        upgrade("scheduling", url, "0005")
        engine = create_engine(with_driver(url))
        with engine.begin() as connection:
            company_id = _company(connection)
            connection.execute(
                text(f"INSERT INTO busy_times (appointment_id, {_BUSY_COLUMNS}) VALUES (41, {_BUSY_VALUES})"),
                {"company_id": company_id},
            )
        upgrade("scheduling", url)

        def busy_version():
            with engine.connect() as connection:
                query = text("SELECT busy_version FROM companies WHERE id = :id")
                return connection.execute(query, {"id": company_id}).scalar()

        def insert(kind, source_id):
            with engine.begin() as connection:
                connection.execute(
                    text(
                        f"INSERT INTO busy_times (kind, source_id, {_BUSY_COLUMNS}) VALUES (:kind, :id, {_BUSY_VALUES})"
                    ),
                    {"kind": kind, "id": source_id, "company_id": company_id},
                )

        def change(statement, **parameters):
            with engine.begin() as connection:
                connection.execute(text(statement), parameters)

        with engine.connect() as connection:
            rows = connection.execute(text("SELECT kind, source_id, company_id FROM busy_times")).all()
        assert [tuple(row) for row in rows] == [("appointment", 41, company_id)]
        assert "staff_breaks" not in inspect(engine).get_table_names()
        assert inspect(engine).get_pk_constraint("busy_times")["constrained_columns"] == ["kind", "source_id"]

        before = busy_version()
        insert("group_event", 41)
        insert("break", 41)
        assert busy_version() == before + 2
        for kind, source_id in [("appointment", 41), ("break", 41), ("lesson", 42)]:
            with pytest.raises(IntegrityError):
                insert(kind, source_id)
        change("UPDATE busy_times SET active = false WHERE kind = 'break'")
        change("DELETE FROM busy_times WHERE kind = 'group_event'")
        assert busy_version() == before + 4

        services = "INSERT INTO services (company_id, title, duration_minutes, price_min, price_max, active, "
        services += "bookable_online, group_capacity) VALUES (:id, 'Yoga', 60, 0, 0, true, true, :capacity)"
        for capacity in (None, 1, 500):
            change(services, id=company_id, capacity=capacity)
        for capacity in (0, 501):
            with pytest.raises(IntegrityError):
                change(services, id=company_id, capacity=capacity)

        command.downgrade(alembic_config("scheduling", url), "0005")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT appointment_id, company_id FROM busy_times")).all()
        assert [tuple(row) for row in rows] == [(41, company_id)]  # the break is gone with its kind
        assert "group_capacity" not in {column["name"] for column in inspect(engine).get_columns("services")}
        before = busy_version()
        with engine.begin() as connection:
            staff_member = connection.execute(
                text(
                    "INSERT INTO staff_members (company_id, name, position, active, bookable_online, created_at) "
                    "VALUES (:id, 'Anna', '', true, true, '2030-01-01 00:00:00') RETURNING id"
                ),
                {"id": company_id},
            ).scalar()
            connection.execute(
                text(
                    "INSERT INTO staff_breaks (company_id, staff_member_id, starts_at, ends_at, created_at) "
                    "VALUES (:id, :staff, '2030-01-07 10:00:00', '2030-01-07 11:00:00', '2030-01-01 00:00:00')"
                ),
                {"id": company_id, "staff": staff_member},
            )
            connection.execute(
                text(f"INSERT INTO busy_times (appointment_id, {_BUSY_COLUMNS}) VALUES (42, {_BUSY_VALUES})"),
                {"company_id": company_id},
            )
        assert busy_version() == before + 2
        engine.dispose()

    if dialect == "sqlite":
        check(f"sqlite:///{tmp_path}/scheduling.sqlite3")
    else:
        with temporary_database("scheduling_busy_kinds") as url:
            check(url)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_migration_0007_sends_each_companys_users_and_roles_to_accounts_and_drops_them(dialect, tmp_path):
    def check(url):
        upgrade("scheduling", url, "0006")
        engine = create_engine(with_driver(url))
        created = datetime(2026, 1, 5, 10, tzinfo=UTC)
        with engine.begin() as connection:
            first, second, empty = _company(connection), _company(connection), _company(connection)
            staff_member = connection.execute(
                text(
                    "INSERT INTO staff_members (company_id, name, position, active, bookable_online, created_at) "
                    "VALUES (:company_id, 'Anna', '', true, true, :now) RETURNING id"
                ).bindparams(bindparam("now", type_=UtcDateTime())),
                {"company_id": first, "now": created},
            ).scalar()
            owner = _role(connection, first, "owner", True, None)
            cashier = _role(connection, first, "Cashier", False, ["take_payments", "export_data"])
            their_owner = _role(connection, second, "owner", True, None)
            olga = _user(connection, first, "olga@example.com", owner, None, True, created)
            carl = _user(connection, first, "carl@example.com", cashier, staff_member, False, created)
            sam = _user(connection, second, "sam@example.com", their_owner, None, True, created)
        upgrade("scheduling", url)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            events = [
                json.loads(body)
                for (body,) in connection.execute(
                    text("SELECT body FROM outbox WHERE event_type = 'identity_carried_over' ORDER BY id")
                )
            ]
            high_water = connection.execute(
                text("SELECT roles_high_water, users_high_water FROM identity_moved_out")
            ).one()
        assert not {"users", "roles"} & tables
        assert [event["company_id"] for event in events] == [first, second]  # the one without users sends nothing
        assert empty not in [event["company_id"] for event in events]
        data = events[0]["data"]
        assert data["roles"] == [
            {"id": owner, "name": "owner", "built_in": True, "rights": None},
            {"id": cashier, "name": "Cashier", "built_in": False, "rights": ["take_payments", "export_data"]},
        ]
        assert data["users"] == [
            {"id": olga, "email": "olga@example.com", "name": "olga@example.com", "password_hash": "$argon2id$x",
             "role_id": owner, "staff_member_id": None, "active": True, "created_at": created.isoformat()},
            {"id": carl, "email": "carl@example.com", "name": "carl@example.com", "password_hash": "$argon2id$x",
             "role_id": cashier, "staff_member_id": staff_member, "active": False, "created_at": created.isoformat()},
        ]  # fmt: skip
        assert tuple(high_water) == (their_owner, sam)
        assert {"event_id", "event_type", "company_id", "occurred_at", "data"} == set(events[0])

        command.downgrade(alembic_config("scheduling", url), "0006")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 0
            assert "signup_key" not in {column["name"] for column in inspect(connection).get_columns("companies")}
        upgrade("scheduling", url)
        assert schema_drift(url, Base.metadata) == []
        engine.dispose()

    if dialect == "sqlite":
        check(f"sqlite:///{tmp_path}/scheduling.sqlite3")
    else:
        with temporary_database("scheduling_identity") as url:
            check(url)


def _role(connection, company_id: int, name: str, built_in: bool, rights) -> int:
    return connection.execute(
        text("INSERT INTO roles (company_id, name, built_in, rights) VALUES (:c, :n, :b, :r) RETURNING id"),
        {"c": company_id, "n": name, "b": built_in, "r": None if rights is None else json.dumps(rights)},
    ).scalar()


def _user(connection, company_id, email, role_id, staff_member_id, active, created_at) -> int:
    return connection.execute(
        text(
            "INSERT INTO users (company_id, email, name, password_hash, role_id, staff_member_id, active, created_at) "
            "VALUES (:c, :e, :e, '$argon2id$x', :r, :s, :a, :t) RETURNING id"
        ).bindparams(bindparam("t", type_=UtcDateTime())),
        {"c": company_id, "e": email, "r": role_id, "s": staff_member_id, "a": active, "t": created_at},
    ).scalar()
