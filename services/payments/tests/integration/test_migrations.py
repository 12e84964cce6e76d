"""Migrations on both databases: down and up again, matching the models; and the ledger's rules kept
by the database itself for hand-written SQL, on PostgreSQL and on SQLite."""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from payments.models import metadata
from salon_infra.database import with_driver
from salon_infra.migrations import alembic_config, upgrade
from salon_infra.testing import schema_drift, temporary_database

NOW = datetime(2027, 6, 7, 10, 0, tzinfo=UTC).replace(tzinfo=None)


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/payments.sqlite3"
    else:
        with temporary_database("payments_migrations") as url:
            yield url


def test_migrations_go_down_and_up_again(empty_database):
    upgrade("payments", empty_database)
    assert schema_drift(empty_database, metadata) == []
    command.downgrade(alembic_config("payments", empty_database), "0001")
    upgrade("payments", empty_database)
    assert schema_drift(empty_database, metadata) == []


def test_the_ledger_keeps_the_stock_and_refuses_what_is_not_there_by_hand_written_sql(empty_database):
    upgrade("payments", empty_database)
    engine = create_engine(with_driver(empty_database))
    move = ("INSERT INTO stock_movements (company_id, storage_id, product_id, kind, quantity, created_at) "
            "VALUES (1, :storage, 1, :kind, :quantity, :at)")  # fmt: skip
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO products (id, company_id, title, unit, sale_price, cost_price, active, "
                                "created_at) VALUES (1, 1, 'Gel', 'pcs', 0, 0, true, :at)"), {"at": NOW})  # fmt: skip
        for storage_id, negative in ((1, False), (2, True)):
            connection.execute(text(
                "INSERT INTO storages (id, company_id, title, for_sale, for_services, allows_negative, active) "
                "VALUES (:id, 1, :title, true, false, :negative, true)"),
                {"id": storage_id, "title": f"Storage {storage_id}", "negative": negative})  # fmt: skip
        connection.execute(text(move), {"storage": 1, "kind": "arrival", "quantity": 3, "at": NOW})
        connection.execute(text(move), {"storage": 1, "kind": "sale", "quantity": -2, "at": NOW})
        connection.execute(text(move), {"storage": 2, "kind": "write_off", "quantity": -4, "at": NOW})
    with pytest.raises(DBAPIError, match="stock_below_zero"), engine.begin() as connection:
        connection.execute(text(move), {"storage": 1, "kind": "sale", "quantity": -2, "at": NOW})
    with pytest.raises(DBAPIError, match="stock_ledger_append_only"), engine.begin() as connection:
        connection.execute(text("UPDATE stock_movements SET quantity = 100"))
    with pytest.raises(DBAPIError, match="stock_ledger_append_only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM stock_movements"))
    with engine.connect() as connection:
        levels = dict(connection.execute(text("SELECT storage_id, quantity FROM stock_levels")).all())
    assert levels == {1: 1, 2: -4}
    engine.dispose()
