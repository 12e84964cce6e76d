"""Benchmark: the staff calendar's day view through the gateway, next to its in-process floor.

    .venv/bin/python bench/calendar_day.py [--requests 300]

Starts the whole system on throwaway PostgreSQL databases and a RabbitMQ vhost, makes a salon of
20 staff members with 200 appointments on one day (10 each, of one or two services), a break each
and two group events with seats, then measures, one request after another after a warm-up:
  - `GET /api/v1/calendar?date=` as the owner, through the gateway (two RPCs sent at once:
    scheduling's hours and weekly breaks, bookings' appointments, events and breaks; composing
    and sending the answer);
  - the same two service calls in process, one after the other, on the same databases (each
    service's RPC method with its unit of work injected: validation, queries, the answer built),
    the floor under the gateway figure;
  - an empty RPC round trip (`bookings.ping`) from the gateway's own RPC client, the messaging floor.
Prints a Markdown table with the ratio to the floor and writes bench/results/calendar-<time>.json.
"""

import argparse
import contextlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(ROOT / "tests"), str(ROOT / "bench")]

from cluster import SERVICES, LocalCluster  # noqa: E402
from measure import timed, wait_for_relay  # noqa: E402
from support.api import Api  # noqa: E402
from support.salon import FULL_WEEK, next_weekday, open_salon  # noqa: E402

from gateway.localtime import day_bounds  # noqa: E402
from gateway.rpc import RpcClient  # noqa: E402
from salon_infra.database import UnitOfWork, create_engine_for, session_factory  # noqa: E402
from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402

STAFF, PER_STAFF = 20, 10
TARGET_P50_MS = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {spec.name: stack.enter_context(temporary_database(f"bench_{spec.name}")) for spec in SERVICES}
        cluster = LocalCluster(
            amqp_uri=amqp_uri,
            database_urls=urls,
            log_dir=ROOT / "bench" / "results" / "logs",
            jwt_secret="bench-jwt-secret-of-at-least-thirty-two-bytes",
        )
        cluster.migrate()
        cluster.start()
        stack.callback(cluster.stop)
        results = run(cluster, urls, amqp_uri, args)
    report(results, args)


def run(cluster: LocalCluster, urls: dict, amqp_uri: str, args) -> dict:
    salon, day, counts = load_salon(Api(cluster.gateway_url))
    wait_for_relay(urls["bookings"])
    analyze(urls)
    answer = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    shown = sum(len(column["appointments"]) for column in answer["staff"])
    assert shown == STAFF * PER_STAFF, shown

    def day_view() -> None:
        """The request and the whole answer received; decoding it is the browser's work, not the server's."""
        response = salon.api.get("/api/v1/calendar", params={"date": day.isoformat()})
        assert response.status_code == 200 and response.content

    gateway = timed(day_view, args.requests, warmup=30)
    calls = in_process_calls(urls, salon.company_id, day, salon.timezone)
    in_process = timed(lambda: [call() for call in calls.values()], args.requests, warmup=30)
    each = {name: timed(call, args.requests // 2, warmup=10) for name, call in calls.items()}
    rpc = RpcClient(amqp_uri, timeout=5)
    empty_rpc = timed(lambda: rpc.call("bookings", "ping"), args.requests, warmup=30)
    start, end = (moment.isoformat() for moment in day_bounds(day, salon.timezone))
    period = {"period_start": start, "period_end": end, "timezone": salon.timezone}
    over_rpc = {
        "scheduling.calendar_days": timed(
            lambda: rpc.call("scheduling", "calendar_days", salon.company_id,
                             {"date_from": day.isoformat(), "date_to": day.isoformat()}),
            args.requests // 2, warmup=10,
        ),
        "bookings.calendar": timed(
            lambda: rpc.call("bookings", "calendar", salon.company_id, period), args.requests // 2, warmup=10
        ),
    }  # fmt: skip
    return {
        "setup": {**counts, "answer_bytes": len(json.dumps(answer))},
        "calendar_gateway_ms": gateway,
        "calendar_in_process_ms": in_process,
        "in_process_each_ms": each,
        "empty_rpc_ms": empty_rpc,
        "over_rpc_ms": over_rpc,
    }


def analyze(urls: dict) -> None:
    """Table statistics, as a salon's database in use has them (autovacuum has not yet visited a
    database loaded a second ago, and the planner would guess without them)."""
    from sqlalchemy import create_engine, text

    for url in urls.values():
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
        engine.dispose()


def load_salon(public: Api):
    salon = open_salon(public, name="Calendar Benchmark Salon")
    for n in range(STAFF):
        salon.add_staff(f"Staff {n:02d}", weekly=FULL_WEEK)
    everyone = list(salon.staff)
    salon.add_service("Cut", 30, everyone, price=3000)
    salon.add_service("Wash", 15, everyone, price=1000)
    salon.add_service("Workshop", 60, everyone[:2], price=2000, group_capacity=8)
    day = next_weekday(2, after=date.today() + timedelta(days=2))
    bookings = [(name, hour) for name in everyone for hour in range(8, 8 + PER_STAFF)]

    def book(entry):
        name, hour = entry
        services = ["Cut", "Wash"] if hour % 2 else ["Cut"]
        client = {"name": f"Client {name} {hour}", "phone": f"+49152{everyone.index(name):03d}{hour:05d}"}
        response = salon.book_as_staff(services, salon.local(day, hour), name, client=client)
        assert response.status_code == 201, response.text

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(book, bookings))
    for name in everyone:
        evening = {"starts_at": salon.local(day, 19).isoformat(), "ends_at": salon.local(day, 19, 30).isoformat()}
        salon.api.ok("POST", f"/api/v1/staff/{salon.staff[name]}/breaks", evening)
    seats = 0
    for name in everyone[:2]:
        event = salon.api.ok("POST", "/api/v1/group-events", {
            "staff_member_id": salon.staff[name], "service_id": salon.services["Workshop"],
            "starts_at": salon.local(day, 20).isoformat()})  # fmt: skip
        for n in range(5):
            client = {"name": f"Guest {n}", "phone": f"+4915799{everyone.index(name):02d}{n:04d}"}
            salon.api.ok("POST", f"/api/v1/group-events/{event['id']}/seats", {"client": client})
            seats += 1
    counts = {"staff": STAFF, "appointments": len(bookings), "breaks": STAFF, "group_events": 2, "seats": seats}
    print(f"loaded {counts}", flush=True)
    return salon, day, counts


def in_process_calls(urls: dict, company_id: int, day: date, timezone: str) -> dict:
    """The two services' RPC methods the day view calls, in this process, on the same databases."""
    from bookings.service import BookingsService
    from scheduling.service import SchedulingService

    def service(cls, name):
        instance = cls()
        instance.uow = UnitOfWork(session_factory(create_engine_for(urls[name], pool_size=2)))
        return instance

    scheduling = service(SchedulingService, "scheduling")
    bookings = service(BookingsService, "bookings")
    start, end = (moment.isoformat() for moment in day_bounds(day, timezone))

    period = {"period_start": start, "period_end": end, "timezone": timezone}
    return {
        "scheduling.calendar_days": lambda: scheduling.calendar_days(
            company_id, {"date_from": day.isoformat(), "date_to": day.isoformat()}
        ),
        "bookings.calendar": lambda: bookings.calendar(company_id, period),
    }


def report(results: dict, args) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"calendar-{stamp}.json").write_text(json.dumps({"args": vars(args), **results}, indent=2))
    g, p, r = results["calendar_gateway_ms"], results["calendar_in_process_ms"], results["empty_rpc_ms"]
    setup = results["setup"]
    each_rows = "\n".join(
        f"| - {name}: in process / over RPC | {m['p50_ms']} / {results['over_rpc_ms'][name]['p50_ms']} ms "
        f"| {m['p99_ms']} / {results['over_rpc_ms'][name]['p99_ms']} ms | | |"
        for name, m in results["in_process_each_ms"].items()
    )
    print(
        f"""
| Measure | p50 | p99 | Ratio to the floor (p50) | Target |
|---|---|---|---|---|
| Calendar day, {setup["staff"]} staff, {setup["appointments"]} appointments, through the gateway | {g["p50_ms"]} ms | {g["p99_ms"]} ms | {g["p50_ms"] / p["p50_ms"]:.2f}x | p50 <= {TARGET_P50_MS:g} ms: {"met" if g["p50_ms"] <= TARGET_P50_MS else "NOT met"} |
| Same two service calls in process, one after the other (floor) | {p["p50_ms"]} ms | {p["p99_ms"]} ms | 1 | |
| Empty RPC round trip (bookings.ping) | {r["p50_ms"]} ms | {r["p99_ms"]} ms | | |
{each_rows}

Answer: {setup["answer_bytes"]} bytes, {setup["breaks"]} breaks, {setup["group_events"]} group events with {setup["seats"]} seats. Raw figures: bench/results/calendar-{stamp}.json
"""  # noqa: E501
    )


if __name__ == "__main__":
    main()
