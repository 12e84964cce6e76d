"""Scheduling's copy of busy times is fed by bookings' events. If one is lost, the copy drifts:
slot search offers a taken time. The drift check sees it, and the resync repairs it."""

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from support.salon import next_weekday

from salon_infra.database import with_driver

RESYNC = str(Path(sys.executable).parent / "scheduling-resync-busy-times")


def until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def resync(cluster, company_id, *flags) -> dict:
    done = subprocess.run(
        [RESYNC, str(company_id), "--amqp-uri", cluster.amqp_uri, "--timeout", "30", *flags],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_a_lost_event_is_found_by_the_drift_check_and_repaired_by_the_resync(salon, cluster, database_urls):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(3)
    ten = salon.local(day, 10).isoformat()
    assert salon.book_online(["Haircut"], salon.local(day, 10), "Anna").status_code == 201
    until(lambda: ten not in salon.starts(["Haircut"], day, "Anna"))
    assert resync(cluster, salon.company_id, "--check")["drift"] is False

    engine = create_engine(with_driver(database_urls["scheduling"]))
    with engine.begin() as connection:  # as if the appointment_created event had never arrived
        connection.execute(text("DELETE FROM busy_times WHERE company_id = :c"), {"c": salon.company_id})
    engine.dispose()
    assert ten in salon.starts(["Haircut"], day, "Anna")  # the copy has drifted: a taken time is offered

    check = resync(cluster, salon.company_id, "--check")
    assert check["drift"] is True and check["ours"]["appointment"]["count"] == 0
    assert check["bookings"]["appointment"] == {"count": 1, "versions": 1}
    assert resync(cluster, salon.company_id) == {"company_id": salon.company_id, "records": 1, "changed": 1}
    assert ten not in salon.starts(["Haircut"], day, "Anna")
    assert resync(cluster, salon.company_id, "--check")["drift"] is False
