from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import bindparam, create_engine, text

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
        upgrade("scheduling", url)
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
    company = {"name": "S", "tz": "UTC", "cur": "EUR", "country": "DE", "step": 15, "now": now}
    company_id = connection.execute(
        text(
            "INSERT INTO companies (name, timezone, currency, country, slot_step_minutes, created_at) "
            "VALUES (:name, :tz, :cur, :country, :step, :now) RETURNING id"
        ).bindparams(bindparam("now", type_=UtcDateTime())),
        company,
    ).scalar()
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
