"""The system as `make run` starts it: every service on its own embedded SQLite file."""

import time

import pytest
from cluster import SERVICES, LocalCluster
from support.api import Api
from support.salon import next_weekday, open_salon

from salon_infra.testing import temporary_vhost


@pytest.fixture(scope="module")
def sqlite_public(tmp_path_factory):
    files = tmp_path_factory.mktemp("sqlite")
    with temporary_vhost() as amqp_uri:
        cluster = LocalCluster(
            amqp_uri=amqp_uri,
            database_urls={spec.name: f"sqlite:///{files / spec.name}.sqlite3" for spec in SERVICES},
            log_dir=files / "logs",
            jwt_secret="sqlite-jwt-secret-of-at-least-thirty-two-bytes",
        )
        cluster.migrate()
        cluster.start()
        try:
            yield Api(cluster.gateway_url)
        finally:
            cluster.stop()


def test_the_booking_path_on_sqlite(sqlite_public):
    salon = open_salon(sqlite_public)
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    salon.add_service("Trim", 30, ["Anna"])
    day = next_weekday(2)
    nine = salon.local(day, 9).isoformat()
    assert salon.starts(["Haircut"], day)[0] == nine

    booked = salon.book_online(["Haircut"], salon.local(day, 9), "Anna")
    assert booked.status_code == 201, booked.text
    assert salon.book_as_staff(["Trim"], salon.local(day, 9, 30), "Anna").status_code == 409

    deadline = time.monotonic() + 10
    while nine in salon.starts(["Haircut"], day):  # the relay polls SQLite's outbox
        assert time.monotonic() < deadline
        time.sleep(0.05)

    token = booked.json()["link_token"]
    assert salon.public.ok("POST", f"/api/v1/bookings/{token}/cancel")["state"] == "cancelled"
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    assert calendar["staff"][0]["appointments"] == []
