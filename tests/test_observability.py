"""A request followed through the whole system by its X-Request-Id, and counted in the metrics
that Prometheus scrapes from every process (the gateway, bookings and its outbox relay)."""

import json
import math
import time
import urllib.request
import uuid

from prometheus_client.parser import text_string_to_metric_families
from support.salon import next_weekday

BOOKINGS_ROUTE = "/api/v1/companies/<id:company_id>/bookings"


def scrape(cluster, process: str) -> dict[tuple, float]:
    """(sample name, sorted label items) -> value, from a process's /metrics port."""
    with urllib.request.urlopen(cluster.processes[process].metrics_url, timeout=5) as answer:
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def log_lines(cluster, process: str, request_id: str) -> list[dict]:
    lines = (cluster.log_dir / f"{process}.log").read_text(errors="replace").splitlines()
    found = []
    for line in lines:
        if request_id in line and line.startswith("{"):
            record = json.loads(line)
            if record.get("request_id") == request_id:
                found.append(record)
    return found


def eventually(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.1)
    return found


def test_a_booking_is_followed_by_its_request_id_and_counted(cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(4)
    before = {process: scrape(cluster, process) for process in ("gateway", "bookings", "bookings-relay")}

    request_id = f"e2e-{uuid.uuid4().hex}"
    body = {
        "service_ids": [salon.services["Haircut"]],
        "staff_member_id": salon.staff["Anna"],
        "starts_at": salon.local(day, 10).isoformat(),
        "client": {"name": "Mia", "phone": "+4915198765432"},
    }
    response = salon.public.post(
        f"/api/v1/companies/{salon.company_id}/bookings", body, headers={"X-Request-Id": request_id}
    )
    assert response.status_code == 201, response.text
    assert response.headers["X-Request-Id"] == request_id

    # The gateway's request line, bookings' RPC worker, and scheduling's and clients' workers that
    # bookings called: the id went with every RPC.
    [access] = eventually(lambda: [line for line in log_lines(cluster, "gateway", request_id)
                                   if line["logger"] == "gateway.access"])  # fmt: skip
    assert (access["method"], access["route"], access["status"]) == ("POST", BOOKINGS_ROUTE, 201)
    booked = eventually(lambda: [line for line in log_lines(cluster, "bookings", request_id)
                                 if line.get("method") == "create_appointment"])  # fmt: skip
    assert booked[0]["entrypoint"] == "rpc" and booked[0]["outcome"] == "ok" and booked[0]["level"] == "INFO"
    assert any(line.get("method") == "quote_appointment" for line in log_lines(cluster, "scheduling", request_id))
    # The event: recorded with the id in bookings' outbox, sent by the relay, and consumed with it.
    consumed = eventually(lambda: [line for line in log_lines(cluster, "notifications", request_id)
                                   if line.get("entrypoint") == "event"])  # fmt: skip
    assert consumed[0]["method"] == "on_appointment_changed" and consumed[0]["outcome"] == "ok"
    eventually(lambda: [line for line in log_lines(cluster, "scheduling", request_id)
                        if line.get("entrypoint") == "event"])  # fmt: skip

    # The metrics, as Prometheus scrapes them.
    gateway = scrape(cluster, "gateway")
    http = {"method": "POST", "route": BOOKINGS_ROUTE, "status": "2xx"}
    for name in ("salon_http_request_duration_seconds_count", "salon_http_request_duration_seconds_bucket"):
        labels = http if name.endswith("count") else {**http, "le": "+Inf"}
        assert value(gateway, name, **labels) == value(before["gateway"], name, **labels) + 1
    rpc = {"service": "bookings", "method": "create_appointment", "outcome": "ok"}
    assert value(gateway, "salon_rpc_client_duration_seconds_count", **rpc) == (
        value(before["gateway"], "salon_rpc_client_duration_seconds_count", **rpc) + 1
    )

    bookings = scrape(cluster, "bookings")
    made = {"source": "widget", "kind": "appointment"}
    assert (
        value(bookings, "salon_bookings_total", **made) == value(before["bookings"], "salon_bookings_total", **made) + 1
    )
    worker = {"service": "bookings", "kind": "rpc", "method": "create_appointment", "outcome": "ok"}
    assert value(bookings, "salon_entrypoint_duration_seconds_count", **worker) == (
        value(before["bookings"], "salon_entrypoint_duration_seconds_count", **worker) + 1
    )
    assert value(bookings, "salon_entrypoint_duration_seconds_sum", **worker) > 0
    quote = {"service": "scheduling", "method": "quote_appointment", "outcome": "ok"}
    assert value(bookings, "salon_rpc_client_duration_seconds_count", **quote) > (
        value(before["bookings"], "salon_rpc_client_duration_seconds_count", **quote)
    )

    published_before = value(before["bookings-relay"], "salon_outbox_events_published_total", service="bookings")
    relay = eventually(lambda: _published_more_than(cluster, published_before))
    lag = value(relay, "salon_outbox_oldest_unpublished_age_seconds", service="bookings")
    assert ("salon_outbox_oldest_unpublished_age_seconds", (("service", "bookings"),)) in relay
    assert math.isfinite(lag) and lag >= 0
    assert ("salon_outbox_unpublished_events", (("service", "bookings"),)) in relay


def _published_more_than(cluster, published: float) -> dict | None:
    relay = scrape(cluster, "bookings-relay")
    return relay if value(relay, "salon_outbox_events_published_total", service="bookings") > published else None


def test_a_replayed_booking_is_not_counted_twice_and_a_bad_request_id_is_replaced(cluster, salon):
    salon.add_staff("Ben")
    salon.add_service("Shave", 30, ["Ben"])
    day = next_weekday(5)
    made = {"source": "widget", "kind": "appointment"}
    before = value(scrape(cluster, "bookings"), "salon_bookings_total", **made)
    key = uuid.uuid4().hex
    client = {"name": "Noah", "phone": "+4915187654321"}
    answers = [
        salon.book_online(["Shave"], salon.local(day, 11), staff_name="Ben", client=client, key=key) for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[1].json()["replayed"] is True
    assert value(scrape(cluster, "bookings"), "salon_bookings_total", **made) == before + 1

    forged = salon.public.get(f"/api/v1/companies/{salon.company_id}/services",
                              headers={"X-Request-Id": 'x" {"level": "forged"}'})  # fmt: skip
    assert forged.status_code == 200 and len(forged.headers["X-Request-Id"]) == 32
