"""Benchmark: slot search and booking creation through the gateway, on PostgreSQL.

    make bench                 # or: .venv/bin/python bench/run.py [--searches 400] [--bookings 2000]

Starts the whole system on throwaway PostgreSQL databases and a throwaway RabbitMQ vhost,
loads a salon with 20 staff members and 1,000 appointments, then measures:
  - slot search for any staff member over 14 days, through the gateway (sequential);
  - the same search in process (scheduling's handler on the same database), and the pure
    slot engine alone: the floor under the gateway figure;
  - booking creation through the widget API with 16 concurrent clients;
  - what a booking costs: the CPU seconds the whole system (every service, relay and gateway
    process, their PostgreSQL backends and RabbitMQ, read from /proc) spends per booking, until
    its events are consumed and its confirmation recorded, against the CPU an empty RPC
    (`clients.ping`, 16 concurrent callers) costs in the same run: the ratio, next to its target.
Prints a Markdown table and writes bench/results/<time>.json.
"""

import argparse
import contextlib
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(ROOT / "tests"), str(ROOT / "bench")]

from cluster import SERVICES, LocalCluster  # noqa: E402
from cpu import Accounts, cluster_roots, spent  # noqa: E402
from measure import summary, timed, wait_for_relay  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from support.api import Api, new_key  # noqa: E402
from support.salon import FULL_WEEK, open_salon  # noqa: E402

from gateway.rpc import RpcClient  # noqa: E402
from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402

STAFF = 20
APPOINTMENTS = 1_000
SEARCH_DAYS = 14
CLIENTS = 16
TARGETS = {"search_p50_ms": 15.0, "bookings_per_second": 150.0, "booking_cost_in_empty_rpcs": 10.0,
           "search_during_bookings_vs_quiet": 3.0}  # fmt: skip
PINGS = 3_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=400)
    parser.add_argument("--bookings", type=int, default=2_000)
    parser.add_argument("--gateway-workers", type=int, default=2)
    parser.add_argument("--gateway-threads", type=int, default=8)
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {spec.name: stack.enter_context(temporary_database(f"bench_{spec.name}")) for spec in SERVICES}
        log_dir = ROOT / "bench" / "results" / "logs"
        cluster = LocalCluster(
            amqp_uri=amqp_uri,
            database_urls=urls,
            log_dir=log_dir,
            jwt_secret="bench-jwt-secret-of-at-least-thirty-two-bytes",
            gateway_workers=args.gateway_workers,
            gateway_threads=args.gateway_threads,
            # Every booking's confirmation goes out (the development SMS inbox): a salon's daily cap
            # would otherwise turn most of them into a cheap "over the cap" record.
            extra_env={"SMS_PROVIDER": "development", "SMS_DAILY_CAP": "1000000"},
        )
        cluster.migrate()
        cluster.start()
        stack.callback(cluster.stop)
        results = run(cluster, urls, args)
    report(results, args)


def run(cluster: LocalCluster, urls: dict, args) -> dict:
    accounts = Accounts(cluster_roots(cluster), urls.values())
    public = Api(cluster.gateway_url)
    salon, first_day = load_salon(public)
    wait_for_relay(urls["bookings"])
    service_id = salon.services["Haircut"]

    search = lambda: salon.public.ok(  # noqa: E731
        "GET",
        f"/api/v1/companies/{salon.company_id}/slots",
        params={"service_id": service_id, "date_from": first_day.isoformat(),
                "date_to": (first_day + timedelta(days=SEARCH_DAYS - 1)).isoformat()},
    )  # fmt: skip
    gateway_search = timed(search, args.searches, warmup=30)
    slots_found = sum(len(day["slots"]) for day in search()["days"])
    in_process, engine_only = in_process_search(urls["scheduling"], salon.company_id, service_id, first_day, args)
    empty_rpc = empty_rpcs(cluster, accounts)
    before = accounts.snapshot()
    booking = concurrent_bookings(salon, first_day + timedelta(days=SEARCH_DAYS + 1), args.bookings)
    wait_for_relay(urls["bookings"])
    wait_for_confirmations(urls["notifications"], salon.company_id, booking["created"])
    cpu = spent(before, accounts.snapshot())
    booking["cpu_ms_per_booking"] = round(cpu["total"] * 1000 / booking["created"], 3)
    booking["cpu_seconds"] = cpu
    searching = SearchesDuring(search)
    concurrent_bookings(salon, first_day + timedelta(days=SEARCH_DAYS + 80), args.bookings // 4, searching)
    return {
        "setup": {"staff": STAFF, "appointments": APPOINTMENTS, "days": SEARCH_DAYS, "slots_in_answer": slots_found},
        "search_gateway_ms": gateway_search,
        "search_in_process_ms": in_process,
        "search_engine_only_ms": engine_only,
        "search_during_bookings_ms": searching.summary(),
        "booking": booking,
        "empty_rpc": empty_rpc,
        "booking_cost_in_empty_rpcs": round(booking["cpu_ms_per_booking"] / empty_rpc["cpu_ms_per_call"], 1),
        "booking_rate_in_empty_rpcs": round(empty_rpc["per_second"] / booking["per_second"], 1),
    }


def empty_rpcs(cluster: LocalCluster, accounts: Accounts) -> dict:
    """PINGS calls of `clients.ping` from CLIENTS threads: the system's CPU per call, and calls per second."""
    rpc, counter, lock = RpcClient(cluster.amqp_uri, timeout=10), iter(range(PINGS)), threading.Lock()

    def caller() -> None:
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            rpc.call("clients", "ping")

    before, started = accounts.snapshot(), time.perf_counter()
    threads = [threading.Thread(target=caller) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    cpu = spent(before, accounts.snapshot())
    return {"calls": PINGS, "per_second": round(PINGS / seconds, 1),
            "cpu_ms_per_call": round(cpu["total"] * 1000 / PINGS, 3), "cpu_seconds": cpu}  # fmt: skip


def wait_for_confirmations(notifications_url: str, company_id: int, expected: int, timeout: float = 120) -> None:
    """Until notifications has recorded a confirmation for every booking: its work counts too."""
    engine = create_engine(notifications_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    deadline = time.monotonic() + timeout
    query = text(
        "SELECT count(*) FROM sent_messages "
        "WHERE company_id = :company AND purpose = 'appointment_created' AND status = 'sent'"
    )
    with engine.connect() as connection:
        while connection.execute(query, {"company": company_id}).scalar_one() < expected:
            assert time.monotonic() < deadline, "notifications did not confirm every booking"
            time.sleep(0.2)
            connection.rollback()
    engine.dispose()


def load_salon(public: Api):
    salon = open_salon(public, name="Benchmark Salon")
    for n in range(STAFF):
        salon.add_staff(f"Staff {n:02d}", weekly=FULL_WEEK)
    everyone = list(salon.staff)
    for title, minutes in (("Haircut", 60), ("Trim", 30), ("Colour", 90), ("Styling", 45)):
        salon.add_service(title, minutes, everyone)
    first_day = date.today() + timedelta(days=1)
    zone = ZoneInfo(salon.timezone)
    slots = [
        (name, datetime(day.year, day.month, day.day, hour, tzinfo=zone))
        for day in (first_day + timedelta(days=d) for d in range(SEARCH_DAYS))
        for name in everyone
        for hour in range(9, 17, 2)
    ]
    chosen = slots[:: max(1, len(slots) // APPOINTMENTS)][:APPOINTMENTS]

    def book(entry):
        name, starts_at = entry
        response = salon.book_as_staff(["Haircut"], starts_at, name)
        assert response.status_code == 201, response.text

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(book, chosen))
    print(f"loaded {STAFF} staff members and {len(chosen)} appointments", flush=True)
    return salon, first_day


def in_process_search(scheduling_url, company_id, service_id, first_day, args):
    """Scheduling's own handler on the same database, and the slot engine alone on preloaded data."""
    from in_process import engine_only_search, handler_search

    query = {
        "service_ids": [service_id],
        "staff_member_id": None,
        "date_from": first_day,
        "date_to": first_day + timedelta(days=SEARCH_DAYS - 1),
        "online": True,
    }
    handler = handler_search(scheduling_url, company_id, query)
    engine = engine_only_search(scheduling_url, company_id, query)
    return timed(handler, args.searches, warmup=30), timed(engine, args.searches, warmup=30)


class SearchesDuring:
    """Slot searches, one after another, while bookings are made: each booking's event
    invalidates scheduling's in-memory busy times, so these read the database."""

    def __init__(self, search):
        self.search, self.samples, self.stop = search, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            self.search()
            self.samples.append((time.perf_counter() - started) * 1000)

    def summary(self) -> dict:
        return summary(self.samples)


def concurrent_bookings(salon, first_day: date, total: int, searching: SearchesDuring | None = None) -> dict:
    everyone = list(salon.staff)
    zone = ZoneInfo(salon.timezone)
    free = [
        (name, datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone))
        for day in (first_day + timedelta(days=d) for d in range(60))
        for hour in range(9, 17)
        for minute in (0, 30)
        for name in everyone
    ][:total]
    latencies, failures, lock = [], [], threading.Lock()
    counter = iter(range(len(free)))

    def client(worker: int) -> None:
        api = Api(salon.public.base_url)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            name, starts_at = free[index]
            body = {
                "service_ids": [salon.services["Trim"]],
                "staff_member_id": salon.staff[name],
                "starts_at": starts_at.isoformat(),
                "client": {"name": f"Client {index}", "phone": f"+4917{worker:02d}{index:07d}"},
            }
            started = time.perf_counter()
            response = api.post(
                f"/api/v1/companies/{salon.company_id}/bookings", body, headers={"Idempotency-Key": new_key()}
            )
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                (latencies if response.status_code == 201 else failures).append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    if searching:
        searching.thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if searching:
        searching.stop.set()
        searching.thread.join()
    return {
        "clients": CLIENTS,
        "created": len(latencies),
        "failed": len(failures),
        "seconds": round(seconds, 2),
        "per_second": round(len(latencies) / seconds, 1),
        **summary(latencies),
    }


def report(results: dict, args) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"{stamp}.json").write_text(json.dumps({"args": vars(args), **results}, indent=2))
    g, p, e, b, d, r = (
        results[k]
        for k in (
            "search_gateway_ms",
            "search_in_process_ms",
            "search_engine_only_ms",
            "booking",
            "search_during_bookings_ms",
            "empty_rpc",
        )
    )
    print(
        f"""
| Measure | p50 | p99 | Target |
|---|---|---|---|
| Slot search, any of {STAFF} staff, {SEARCH_DAYS} days, through the gateway | {g["p50_ms"]} ms | {g["p99_ms"]} ms | p50 <= {TARGETS["search_p50_ms"]:g} ms |
| Same search in process: scheduling's handler on PostgreSQL | {p["p50_ms"]} ms | {p["p99_ms"]} ms | (floor) |
| Same search, slot engine only (data preloaded) | {e["p50_ms"]} ms | {e["p99_ms"]} ms | (floor) |
| Same search through the gateway while the bookings below are made | {d["p50_ms"]} ms | {d["p99_ms"]} ms | |
| Booking creation, widget API, {b["clients"]} concurrent clients | {b.get("p50_ms")} ms | {b.get("p99_ms")} ms | |
| Booking throughput | {b["per_second"]} bookings/s ({b["created"]} in {b["seconds"]} s, {b["failed"]} failed) | | >= {TARGETS["bookings_per_second"]:g}/s |
| Empty RPC (`clients.ping`), {CLIENTS} concurrent callers | {r["per_second"]} calls/s, {r["cpu_ms_per_call"]} ms CPU each | | (floor) |
| **Cost of a booking**: system CPU per booking / per empty RPC | **{results["booking_cost_in_empty_rpcs"]}x** ({b["cpu_ms_per_booking"]} ms / {r["cpu_ms_per_call"]} ms); by throughput {results["booking_rate_in_empty_rpcs"]}x | | <= {TARGETS["booking_cost_in_empty_rpcs"]:g}x |
| Slot search while booking / quiet (p50) | {d["p50_ms"] / g["p50_ms"]:.1f}x | | <= {TARGETS["search_during_bookings_vs_quiet"]:g}x |

Where a booking's CPU goes (seconds, all {b["created"]} bookings): {b["cpu_seconds"]}

Answer size: {results["setup"]["slots_in_answer"]} start times. Raw figures: bench/results/{stamp}.json
"""  # noqa: E501
    )


if __name__ == "__main__":
    main()
