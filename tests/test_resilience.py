"""What survives a restart, what a stopped service looks like, and events across a broker outage."""

import time

from sqlalchemy import create_engine, text
from support.salon import next_weekday


def test_an_appointment_is_still_there_after_bookings_restarts(cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    booked = salon.book_as_staff(["Haircut"], salon.local(next_weekday(3), 10), "Anna").json()["appointment"]

    cluster.stop_one("bookings")
    try:
        started = time.monotonic()
        down = salon.api.get(f"/api/v1/appointments/{booked['id']}")
        assert down.status_code == 503 and time.monotonic() - started < 5  # a quick answer, never a hang
        assert salon.api.get(f"/api/v1/appointments/{booked['id']}").status_code == 503
    finally:
        cluster.start_one("bookings")

    again = salon.api.ok("GET", f"/api/v1/appointments/{booked['id']}")
    assert again["starts_at"] == booked["starts_at"] and again["state"] == "booked"
    assert again["client"]["id"] == booked["client"]["id"]


def test_a_stopped_clients_service_makes_booking_503_fast(cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    cluster.stop_one("clients")
    try:
        started = time.monotonic()
        response = salon.book_online(["Haircut"], salon.local(next_weekday(4), 10), "Anna")
        assert response.status_code == 503, response.text
        assert time.monotonic() - started < 5
    finally:
        cluster.start_one("clients")
    assert salon.book_online(["Haircut"], salon.local(next_weekday(4), 10), "Anna").status_code == 201


def test_an_event_committed_while_the_broker_was_unreachable_still_arrives(cluster, salon, broker_proxy, database_urls):
    """The relay publishes bookings' outbox; cut its way to the broker, book, then restore it.
    Scheduling's copy of busy times (which hides the slot) can only learn of it by the event."""
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(5)
    start = salon.local(day, 11).isoformat()
    assert start in salon.starts(["Haircut"], day, "Anna")

    broker_proxy.cut()
    try:
        booked = salon.book_online(["Haircut"], salon.local(day, 11), "Anna")
        assert booked.status_code == 201, booked.text
        appointment_id = booked.json()["appointment"]["id"]
        time.sleep(1.5)
        assert _outbox_state(database_urls["bookings"], appointment_id) == "waiting"
        assert start in salon.starts(["Haircut"], day, "Anna")  # not delivered yet
    finally:
        broker_proxy.restore()

    deadline = time.monotonic() + 30
    while start in salon.starts(["Haircut"], day, "Anna"):
        assert time.monotonic() < deadline, "the event never arrived"
        time.sleep(0.1)
    assert _outbox_state(database_urls["bookings"], appointment_id) == "published"


def _outbox_state(database_url: str, appointment_id: int) -> str:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.connect() as connection:
            published = connection.execute(
                text(
                    "SELECT published_at FROM outbox WHERE event_type = 'appointment_created' "
                    "AND body::json -> 'data' -> 'appointment' ->> 'id' = :id"
                ),
                {"id": str(appointment_id)},
            ).scalar_one()
    finally:
        engine.dispose()
    return "waiting" if published is None else "published"


def test_with_scheduling_stopped_a_booking_is_refused_and_nothing_is_booked(cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(1)
    first = salon.book_as_staff(["Haircut"], salon.local(day, 9), "Anna").json()["appointment"]
    booking = {
        "client_id": first["client"]["id"],
        "staff_member_id": salon.staff["Anna"],
        "service_ids": [salon.services["Haircut"]],
        "starts_at": salon.local(day, 12).isoformat(),
    }
    cluster.stop_one("scheduling")
    try:
        started = time.monotonic()
        response = salon.api.post("/api/v1/appointments", booking)  # bookings asks scheduling for a quote
        assert response.status_code == 503, response.text
        assert time.monotonic() - started < 6
        time.sleep(1.5)  # a late commit would have landed by now
    finally:
        cluster.start_one("scheduling")
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    assert [a["id"] for a in calendar["staff"][0]["appointments"]] == [first["id"]]


def test_a_killed_service_is_restarted_by_the_supervisor_and_bookings_resume(cluster, salon):
    """As Kubernetes would: nobody starts it again by hand."""
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(2)
    restarts_before = len(cluster.supervisor.restarts)
    old_pid = cluster.processes["clients"].popen.pid

    cluster.processes["clients"].kill()  # SIGKILL: no goodbye to the broker or the database

    deadline = time.monotonic() + 30
    while salon.book_online(["Haircut"], salon.local(day, 15), "Anna").status_code != 201:
        assert time.monotonic() < deadline, "bookings did not resume after the restart"
        time.sleep(0.2)
    [restart] = cluster.supervisor.restarts[restarts_before:]
    assert restart.name == "clients" and restart.code == -9 and restart.restarted_at is not None
    assert cluster.processes["clients"].popen.pid != old_pid
    log = (cluster.log_dir / "supervisor.log").read_text()
    assert "clients exited (code -9); restarting in 1 s" in log
    cluster.wait_healthy("clients")
