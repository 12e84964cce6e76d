"""Money bookings held before payments took over, carried over end to end: a bookings database with
paid appointments (at its migration 0006) is migrated, which writes one event per paid appointment
into bookings' outbox; bookings' relay keeps them until payments is there to receive them, and
payments records one carried-over payment per bill, once, even when an event comes twice. Its own
small system: bookings (for its relay and the bill's copy) and payments, on their own databases and
broker vhost, as they run in production."""

import contextlib
import json
import time
from datetime import UTC, datetime, timedelta

import pika
import pytest
from cluster import SERVICES, LocalCluster
from sqlalchemy import create_engine, text

from gateway.rpc import RpcClient
from salon_infra.database import with_driver
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database, temporary_vhost

AT = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
PAID, REFUND, UNPAID = 41, 42, 43  # appointment ids
COMPANY = 7


def paid_appointments_before_payments(url: str) -> None:
    """As bookings kept them before migration 0007: paid, cancelled with money to give back, unpaid."""
    upgrade("bookings", url, "0006")
    engine = create_engine(with_driver(url))
    with engine.begin() as connection:
        for appointment_id, paid, refund, cancelled in ((PAID, 2500, None, None),
                                                        (REFUND, 3000, "manual_refund_required", AT),
                                                        (UNPAID, 0, None, None)):  # fmt: skip
            connection.execute(
                text(
                    "INSERT INTO appointments (id, company_id, client_id, staff_member_id, starts_at, ends_at, "
                    "comment, source, created_by_kind, created_by_id, visit_status, version, created_at, "
                    "updated_at, total_price, paid_amount, refund_status, cancelled_at) VALUES (:id, :company, 1, "
                    ":id, :at, :end, '', 'admin', 'user', 1, 'pending', 4, :at, :at, 3000, :paid, :refund, :cancelled)"
                ),
                {"id": appointment_id, "company": COMPANY, "at": AT, "end": AT + timedelta(hours=1), "paid": paid,
                 "refund": refund, "cancelled": cancelled},
            )  # fmt: skip
            connection.execute(
                text("INSERT INTO appointment_services (appointment_id, company_id, service_id, title, "
                     "duration_minutes, price, subtotal, total, position) VALUES (:id, :company, 9, 'Cut', 60, 3000, "
                     "3000, 3000, 0)"),
                {"id": appointment_id, "company": COMPANY},
            )  # fmt: skip
    engine.dispose()


@pytest.fixture(scope="module")
def carried(tmp_path_factory):
    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {name: stack.enter_context(temporary_database(f"e2e_carry_{name}")) for name in ("bookings", "payments")}
        paid_appointments_before_payments(urls["bookings"])
        for name, url in urls.items():
            upgrade(name, url)  # bookings' 0007 writes the events, in its own transaction
        unused = {spec.name: "postgresql://unused" for spec in SERVICES if spec.name not in urls}
        cluster = LocalCluster(amqp_uri=amqp_uri, database_urls={**unused, **urls},
                               log_dir=tmp_path_factory.mktemp("carry-over-logs"),
                               jwt_secret="carry-over-jwt-secret-of-thirty-two-bytes", rpc_timeout=3.0)  # fmt: skip
        stack.callback(cluster.stop)
        cluster.start_one("bookings-relay")  # before payments: no queue is bound, the events wait
        wait_for(lambda: all(row.attempts > 0 for row in outbox(urls["bookings"])), "the relay to try them once")
        cluster.start_one("payments")
        cluster.start_one("payments-relay")
        cluster.start_one("bookings")
        yield cluster, urls, RpcClient(amqp_uri, timeout=3)


def outbox(url: str) -> list:
    engine = create_engine(with_driver(url))
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT body, attempts, published_at FROM outbox "
            "WHERE event_type = 'appointment_payments_carried_over' ORDER BY id")).all()  # fmt: skip
    engine.dispose()
    return rows


def wait_for(check, what: str, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"waited in vain for {what}"
        time.sleep(0.2)
    return found


def bill_of(rpc, appointment_id: int) -> dict | None:
    try:
        return rpc.call("payments", "get_bill", COMPANY, appointment_id)
    except Exception:  # not there yet: it would ask bookings, which may not be up yet
        return None


def test_money_bookings_held_becomes_one_carried_over_payment_per_visit(carried):
    _, urls, rpc = carried
    paid = wait_for(lambda: (bill := bill_of(rpc, PAID)) and bill["paid"] and bill, "the paid visit's bill")
    assert [(p["method"], p["amount"], p["cash_desk_id"]) for p in paid["payments"]] == [("carried_over", 2500, None)]
    assert (paid["total"], paid["due"], paid["appointment_version"]) == (3000, 500, 4)
    refund = wait_for(lambda: (bill := bill_of(rpc, REFUND)) and bill["paid"] and bill, "the cancelled visit's bill")
    assert (refund["state"], refund["paid"], refund["refund_status"]) == ("cancelled", 3000, "manual_refund_required")
    assert len(outbox(urls["bookings"])) == 2  # the unpaid visit had nothing to carry over
    assert all(row.published_at is not None for row in outbox(urls["bookings"]))
    # bookings hears back from payments (bill_changed): its copy of the bill now has a version.
    engine = create_engine(with_driver(urls["bookings"]))
    with engine.connect() as connection:
        wait_for(lambda: connection.execute(text("SELECT bill_version FROM appointments WHERE id = :id"),
                                            {"id": PAID}).scalar() > 0, "bookings' copy of the bill")  # fmt: skip
        copied = connection.execute(text("SELECT paid_amount FROM appointments WHERE id = :id"), {"id": PAID}).scalar()
    engine.dispose()
    assert copied == 2500


def test_a_carried_over_event_that_comes_again_changes_nothing(carried):
    cluster, urls, rpc = carried
    wait_for(lambda: (bill := bill_of(rpc, PAID)) and bill["paid"], "the paid visit's bill")
    body = json.loads(outbox(urls["bookings"])[0].body)
    connection = pika.BlockingConnection(pika.URLParameters(cluster.amqp_uri))
    try:
        channel = connection.channel()
        channel.basic_publish("bookings.events", body["event_type"], json.dumps(body),
                              pika.BasicProperties(content_type="application/json", delivery_mode=2))  # fmt: skip
    finally:
        connection.close()
    time.sleep(2)  # it would have been recorded by now
    again = bill_of(rpc, body["data"]["appointment"]["id"])
    assert [p["method"] for p in again["payments"]] == ["carried_over"] and again["paid"] == body["data"]["paid_amount"]
