"""Migrations on both databases: down and up again, matching the models; and the ledger's rules kept
by the database itself for hand-written SQL, on PostgreSQL and on SQLite."""

import json
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


def test_0003_cards_paid_for_as_their_bills_say_and_membership_payments_paying_every_unit_of_their_lines(
    empty_database,
):
    config = alembic_config("payments", empty_database)
    command.upgrade(config, "0002")
    engine = create_engine(with_driver(empty_database))
    rows = {
        "bills": [(1, 3000, 3000), (2, 8000, 3000)],  # (id, total, paid): paid in full, not
        "bill_lines": "INSERT INTO bill_lines (id, bill_id, company_id, line_id, service_id, title, price, quantity, "
        "discount, total, position) VALUES (1, 1, 1, 100, 1, 'Cut', 1500, 2, 0, 3000, 0)",
    }
    with engine.begin() as connection:
        for bill_id, total, paid in rows["bills"]:
            connection.execute(text(
                "INSERT INTO bills (id, company_id, appointment_id, client_id, staff_member_id, starts_at, "
                "appointment_state, appointment_version, services_total, sales_total, total, paid, version, "
                "created_at, updated_at) VALUES (:id, 1, :id, 1, 1, :at, 'booked', 1, 0, :total, :total, :paid, 1, "
                ":at, :at)"), {"id": bill_id, "total": total, "paid": paid, "at": NOW})  # fmt: skip
        connection.execute(text(rows["bill_lines"]))
        connection.execute(text("INSERT INTO gift_card_types (id, company_id, title, face_value, price, multiple_use, "
                                "pays_for, validity_days, active) VALUES (1, 1, 'Gift', 5000, 5000, true, 'any', 30, "
                                "true)"))  # fmt: skip
        for card_id, bill_id, balance in ((1, 1, 5000), (2, 2, 5000), (3, 2, 4000)):  # paid bill; unpaid; used
            connection.execute(text(
                "INSERT INTO gift_cards (id, company_id, type_id, code, title, client_id, bill_id, price, face_value, "
                "balance, uses, multiple_use, pays_for, sold_at, expires_at) VALUES (:id, 1, 1, :code, 'Gift', 1, "
                ":bill, 5000, 5000, :balance, :uses, true, 'any', :at, :at)"),
                {"id": card_id, "code": f"CODE000{card_id}", "bill": bill_id, "balance": balance,
                 "uses": int(balance < 5000), "at": NOW})  # fmt: skip
        connection.execute(text("INSERT INTO membership_types (id, company_id, title, price, uses, validity_days, "
                                "service_ids, category_ids, active) VALUES (1, 1, 'Pass', 0, 5, 30, '[1]', '[]', "
                                "true)"))  # fmt: skip
        connection.execute(text(
            "INSERT INTO memberships (id, company_id, type_id, code, title, client_id, bill_id, price, uses_total, "
            "uses_left, service_ids, category_ids, sold_at, expires_at) VALUES (1, 1, 1, 'PASS0001', 'Pass', 1, 2, "
            "0, 5, 3, '[1]', '[]', :at, :at)"), {"at": NOW})  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO payments (id, company_id, bill_id, method, amount, membership_id, membership_uses, "
                "covered_line_ids, taken_at) VALUES (1, 1, 1, 'membership', 3000, 1, 2, '[100]', :at)"
            ),
            {"at": NOW},
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        paid_for = dict(connection.execute(text("SELECT id, paid_at IS NOT NULL FROM gift_cards")).all())
        membership_paid = connection.execute(text("SELECT paid_at IS NOT NULL FROM memberships")).scalar()
        units = connection.execute(text("SELECT covered_units FROM payments")).scalar()
    assert {key: bool(value) for key, value in paid_for.items()} == {1: True, 2: False, 3: True}
    assert bool(membership_paid)  # used already, and costs nothing
    assert (json.loads(units) if isinstance(units, str) else units) == [{"line_id": 100, "units": 2}]
    command.downgrade(config, "0002")
    with engine.connect() as connection:
        lines = connection.execute(text("SELECT covered_line_ids FROM payments")).scalar()
    assert (json.loads(lines) if isinstance(lines, str) else lines) == [100]
    engine.dispose()


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
