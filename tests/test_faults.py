"""The broker goes away from every process at once while clients book, and comes back.

The short form of bench/faults.py: a 5 s cut of every process's broker connection (each
service, the outbox relay, the gateway) under a steady load of widget bookings."""

import time
import urllib.error
import urllib.request

from support.faults import BookingLoad, reckon
from support.salon import FULL_WEEK

CUT_SECONDS = 5
RECOVERY_WITHIN = 30  # seconds from the end of the cut to the next booking answered 201


def test_bookings_ride_out_a_cut_of_every_process_broker_connection(cluster, public, broker_proxies, database_urls):
    from support.salon import open_salon

    salon = open_salon(public, name="Fault Salon")
    staff = [salon.add_staff(f"Stylist {n}", weekly=FULL_WEEK) for n in range(4)]
    trim = salon.add_service("Trim", 30, list(salon.staff))
    restarts_before = len(cluster.supervisor.restarts)
    load = BookingLoad(cluster.gateway_url, salon.company_id, trim, staff, salon.timezone, clients=4).start()
    try:
        assert _eventually(lambda: len(load.booked()) >= 5, 30), "no bookings before the cut"
        broker_proxies.cut()
        cut_at = time.time()
        time.sleep(CUT_SECONDS - 1)
        liveness_during_cut = {name: _status(process.liveness_url) for name, process in cluster.processes.items()}
        time.sleep(1)
        broker_proxies.restore()
        restored_at = time.time()
        assert _eventually(lambda: load.first_booked_after(restored_at), RECOVERY_WITHIN + 5)
        time.sleep(2)
    finally:
        broker_proxies.restore()
        load.stop()
    recovery = load.first_booked_after(restored_at) - restored_at
    during_cut = [a for a in load.attempts() if cut_at + 0.5 < a.started < restored_at - 0.5]

    reckoning = reckon(
        load, salon.company_id, database_urls["bookings"], database_urls["notifications"], cluster.rpc_timeout
    )

    assert during_cut and all(a.status == 503 for a in during_cut), {a.status for a in during_cut}
    # Every process stays alive to Kubernetes while the broker is away: a restart would not help.
    assert set(liveness_during_cut.values()) == {200}, liveness_during_cut
    assert reckoning.problems() == [], reckoning
    assert reckoning.booked == reckoning.appointments > 5
    assert reckoning.retried > 0  # some bookings were answered 503 first, then 201 with the same key
    assert recovery <= RECOVERY_WITHIN, recovery
    assert all(process.popen.poll() is None for process in cluster.processes.values())  # nothing died
    assert cluster.supervisor.restarts[restarts_before:] == []
    cluster.wait_all_healthy()  # and the other tests find every service consuming again


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as failing:
        return failing.code


def _eventually(condition, within: float):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    return condition()
