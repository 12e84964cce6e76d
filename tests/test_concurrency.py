"""Double bookings under concurrency, through the gateway: the database decides, once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from support.api import new_key
from support.salon import next_weekday


def test_fifty_clients_racing_for_one_slot_make_one_appointment(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(1)
    starts_at = salon.local(day, 10)

    def race(n):
        client, key = {"name": f"Racer {n}", "phone": f"+4915170{n:06d}"}, new_key()
        for _ in range(5):  # as a client does: a 503 (the machine busy) is tried again with the same key
            status = salon.book_online(["Haircut"], starts_at, "Anna", client=client, key=key).status_code
            if status != 503:
                return status
        return status

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(race, range(50)))
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == 49, statuses

    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    [column] = calendar["staff"]
    assert len(column["appointments"]) == 1


@pytest.mark.parametrize(
    ("service", "hour", "minute"),
    [("Quick trim", 10, 30), ("Long colour", 9, 0), ("Long colour", 9, 45), ("Quick trim", 10, 0)],
)
def test_overlapping_bookings_of_other_lengths_are_refused(salon, service, hour, minute):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    salon.add_service("Quick trim", 30, ["Anna"])
    salon.add_service("Long colour", 90, ["Anna"])
    day = next_weekday(2)
    assert salon.book_as_staff(["Haircut"], salon.local(day, 10), "Anna").status_code == 201
    clash = salon.book_as_staff([service], salon.local(day, hour, minute), "Anna")
    assert clash.status_code == 409, clash.text
    assert clash.json()["message"] == "that time is already taken"


def test_back_to_back_bookings_fit(salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    salon.add_service("Long colour", 90, ["Anna"])
    day = next_weekday(2)
    assert salon.book_as_staff(["Haircut"], salon.local(day, 10), "Anna").status_code == 201
    assert salon.book_as_staff(["Long colour"], salon.local(day, 8, 30), "Anna").status_code == 201
    assert salon.book_as_staff(["Haircut", "Long colour"], salon.local(day, 11), "Anna").status_code == 201
