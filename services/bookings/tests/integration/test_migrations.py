"""Migrations on both databases: down and up again, matching the models, and 0003's backfill."""

import json
import warnings
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy import inspect as sa_inspect
from tests.integration import act as handlers
from tests.integration.test_handlers import book
from tests.integration.test_overview import overview

from bookings.models import metadata
from salon_infra.database import UnitOfWork, create_engine_for, session_factory, with_driver
from salon_infra.migrations import alembic_config, upgrade
from salon_infra.testing import schema_drift, temporary_database

AT = datetime(2027, 6, 7, 10, 0)


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/bookings.sqlite3"
    else:
        with temporary_database("bookings_migrations") as url:
            yield url


def drift(url: str) -> list:
    with warnings.catch_warnings():
        # SQLite cannot reflect the PostgreSQL-only expression index, and alembic says so.
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        return schema_drift(url, metadata)


def test_migrations_go_down_and_up_again(empty_database):
    upgrade("bookings", empty_database)
    assert drift(empty_database) == []
    command.downgrade(alembic_config("bookings", empty_database), "0001")
    upgrade("bookings", empty_database)
    assert drift(empty_database) == []


def test_0003_fills_in_each_bookings_total_price(empty_database):
    upgrade("bookings", empty_database, "0002")
    engine = create_engine(with_driver(empty_database))
    with engine.begin() as connection:
        for appointment_id, prices in ((1, [2500, 1000]), (2, [])):
            connection.execute(
                text(
                    "INSERT INTO appointments (id, company_id, client_id, staff_member_id, starts_at, ends_at, "
                    "comment, source, created_by_kind, created_by_id, visit_status, version, created_at, updated_at) "
                    "VALUES (:id, 1, 1, :id, :at, :end, '', 'admin', 'user', 1, 'pending', 1, :at, :at)"
                ),
                {"id": appointment_id, "at": AT, "end": AT.replace(hour=11)},
            )
            for position, price in enumerate(prices):
                connection.execute(
                    text(
                        "INSERT INTO appointment_services (appointment_id, company_id, service_id, title, "
                        "duration_minutes, price, position) VALUES (:id, 1, 1, 'Cut', 30, :price, :position)"
                    ),
                    {"id": appointment_id, "price": price, "position": position},
                )
    engine.dispose()
    upgrade("bookings", empty_database)
    engine = create_engine_for(empty_database)
    uow = UnitOfWork(session_factory(engine))
    assert [handlers.get_appointment(uow, 1, i).total_price for i in (1, 2)] == [3500, 0]
    page = handlers.list_overview(uow, 1, {"paid": "paid_in_full", "sort": "starts_at", "direction": "asc"})
    assert [row["id"] for row in page.rows] == [2]
    engine.dispose()


def test_the_overview_runs_on_sqlite_too(tmp_path, scheduling):
    url = f"sqlite:///{tmp_path}/bookings.sqlite3"
    upgrade("bookings", url)
    engine = create_engine_for(url)
    uow = UnitOfWork(session_factory(engine))
    made = [
        book(uow, scheduling, 1, starts_at=datetime(2027, 5, 3, h, tzinfo=UTC)).appointment.id for h in range(9, 14)
    ]
    first = overview(uow, 1, sort="starts_at", direction="desc", limit=3, client="nobody")
    assert first["rows"] == []
    first = overview(uow, 1, sort="starts_at", direction="desc", limit=3, service_category_ids=[100])
    second = overview(uow, 1, sort="starts_at", direction="desc", limit=3, service_category_ids=[100],
                      cursor=first["next_cursor"])  # fmt: skip
    assert [row["id"] for row in first["rows"] + second["rows"]] == made[::-1]
    engine.dispose()


def test_0007_sends_the_money_held_here_to_payments_once_and_drops_the_refund_mark(empty_database):
    upgrade("bookings", empty_database, "0006")
    engine = create_engine(with_driver(empty_database))
    with engine.begin() as connection:
        for appointment_id, paid, refund, cancelled in ((1, 2500, None, None), (2, 0, None, None),
                                                        (3, 3000, "manual_refund_required", AT)):  # fmt: skip
            connection.execute(
                text(
                    "INSERT INTO appointments (id, company_id, client_id, staff_member_id, starts_at, ends_at, "
                    "comment, source, created_by_kind, created_by_id, visit_status, version, created_at, "
                    "updated_at, total_price, paid_amount, refund_status, cancelled_at) VALUES (:id, 1, 1, :id, "
                    ":at, :end, '', 'admin', 'user', 1, 'pending', 4, :at, :at, 3000, :paid, :refund, :cancelled)"
                ),
                {"id": appointment_id, "at": AT, "end": AT.replace(hour=11), "paid": paid, "refund": refund,
                 "cancelled": cancelled},
            )  # fmt: skip
            connection.execute(
                text("INSERT INTO appointment_services (appointment_id, company_id, service_id, title, "
                     "duration_minutes, price, subtotal, total, position) VALUES (:id, 1, 9, 'Cut', 60, 3000, 3000, "
                     "3000, 0)"),
                {"id": appointment_id},
            )  # fmt: skip
    upgrade("bookings", empty_database)
    with engine.connect() as connection:
        carried_over = text(
            "SELECT body FROM outbox WHERE event_type = 'appointment_payments_carried_over' ORDER BY id"
        )
        bodies = [json.loads(row.body) for row in connection.execute(carried_over)]
        columns = {column["name"] for column in sa_inspect(connection).get_columns("appointments")}
    engine.dispose()
    assert [(b["data"]["appointment"]["id"], b["data"]["paid_amount"], b["data"]["refund_status"]) for b in bodies] == [
        (1, 2500, None), (3, 3000, "manual_refund_required"),
    ]  # fmt: skip
    carried = bodies[1]["data"]["appointment"]
    assert (carried["state"], carried["version"], carried["company_id"]) == ("cancelled", 4, 1)
    assert carried["services"][0]["total"] == 3000 and carried["starts_at"].endswith("+00:00")
    assert "refund_status" not in columns and {"sales_total", "bill_version"} <= columns
    assert drift(empty_database) == []
