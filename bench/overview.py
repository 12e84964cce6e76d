"""Benchmark: Overview > Bookings on 1,000,000 bookings of one salon, on PostgreSQL.

    .venv/bin/python bench/overview.py [--bookings 1000000] [--runs 40]

Creates a throwaway PostgreSQL database with the bookings migrations, loads one big salon
(100 staff members, about 3.4 years of visits) and three small ones with INSERT ... SELECT
generate_series (indexes and constraints are dropped during the load and rebuilt exactly as
the migrations made them), ANALYZEs, then times the first page (50 rows) of the overview for a
set of realistic filters through bookings' handler, in process. Prints p50/p95 per filter and
overall, and writes docs/benchmark-results/overview-<time>.json.
"""

import argparse
import contextlib
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, text

from bookings import handlers
from bookings.schemas import OverviewQuerySchema
from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database
from salon_infra.validation import load

ROOT = Path(__file__).resolve().parents[1]
BIG_SALON, SMALL_SALONS, SMALL_SIZE = 1, (2, 3, 4), 20_000
STAFF, CLIENTS = 100, 60_000
FIRST_VISIT = datetime(2024, 1, 1, tzinfo=UTC)
TODAY = datetime(2026, 6, 15, tzinfo=UTC)  # inside the loaded history: visits before it and after
TARGET_P50_MS = 50.0
TABLES = ("appointments", "appointment_services")

# Services per booking: none for about 1 in 211 (imports), else one to three.
LINES = "CASE WHEN i % 211 = 0 THEN 0 ELSE 1 + (i * 13) % 3 END"
SERVICE = "1 + (i + k * 17) % 40"
PRICE = f"(1000 + ({SERVICE}) * 250)"
APPOINTMENTS = f"""
INSERT INTO appointments (
    id, company_id, client_id, client_name, client_phone, staff_member_id, starts_at, ends_at, comment, source,
    created_by_kind, created_by_id, visit_status, cancelled_at, cancelled_by_kind, cancelled_by_id, deleted_at,
    deleted_by_id, booking_category, total_price, paid_amount, prepayment_required, version, created_at, updated_at)
SELECT :first_id + i, :company_id, client_id,
    (ARRAY['Anna','Maria','Olga','Eva','Lena','Sofia','Mia','Emma','Hanna','Lea','Nina','Sara','Julia','Laura',
           'Clara','Ida','Ella','Paula','Marta','Alina','Tom','Ben','Paul','Leon','Finn','Jonas','Lukas','Max',
           'Felix','Elias','Noah','Luis','Jan','Emil','Karl','Oskar','Anton','Hugo','Igor','Ivan'])[1 + client_id % 40]
    || ' ' ||
    (ARRAY['Kowalska','Nowak','Schmidt','Meyer','Weber','Wagner','Becker','Hoffmann','Koch','Richter','Klein',
           'Wolf','Neumann','Schwarz','Zimmermann','Braun','Krueger','Hofmann','Hartmann','Lange','Schmitt',
           'Werner','Krause','Meier','Lehmann','Schulz','Maier','Koehler','Herrmann','Walter','Mayer','Huber',
           'Kaiser','Fuchs','Peters','Lang','Scholz','Moeller','Weiss','Jung','Hahn','Vogel','Friedrich','Keller',
           'Guenther','Frank','Berger','Winkler','Roth','Beck','Lorenz','Baumann','Franke','Albrecht','Ludwig',
           'Winter','Simon','Kraus','Martin','Petrov'])[1 + (client_id / 40) % 60],
    '+4915' || lpad(((client_id * 7919) % 1000000000)::text, 9, '0'),
    1 + i % {STAFF}, starts_at, starts_at + interval '15 minutes' * greatest(lines, 1),
    CASE WHEN i % 7 = 0 THEN 'allergic to latex' ELSE '' END,
    (ARRAY['widget','widget','widget','widget','api','admin','admin','admin','mobile','import'])[1 + i % 10],
    CASE WHEN i % 10 < 5 THEN 'client' ELSE 'user' END,
    CASE WHEN i % 10 < 5 THEN client_id ELSE 1 + (i / 10) % 15 END,
    visit_status,
    CASE WHEN cancelled THEN created_at + interval '1 day' END,
    CASE WHEN cancelled THEN 'client' END,
    CASE WHEN cancelled THEN client_id END,
    CASE WHEN i % 53 = 0 THEN created_at + interval '2 days' END,
    CASE WHEN i % 53 = 0 THEN 1 + i % 15 END,
    CASE WHEN i % 97 = 0 THEN 'VIP' WHEN i % 89 = 0 THEN 'Corporate' END,
    total_price,
    CASE WHEN visit_status = 'arrived' AND i % 5 > 0 THEN total_price
         WHEN visit_status = 'arrived' THEN total_price / 2 ELSE 0 END,
    false, 1, created_at, created_at
FROM (
    SELECT i, 1 + (i * 7919) % {CLIENTS} AS client_id, lines, starts_at, cancelled,
        starts_at - interval '1 day' * ((i * 37) % 60) - interval '1 minute' * ((i * 11) % 600) AS created_at,
        CASE WHEN cancelled THEN 'pending'
             WHEN starts_at > :today THEN (ARRAY['pending','confirmed'])[1 + i % 2]
             ELSE (ARRAY['arrived','arrived','arrived','arrived','arrived','arrived','arrived','arrived',
                         'confirmed','no_show'])[1 + i % 10] END AS visit_status,
        (SELECT coalesce(sum({PRICE}), 0) FROM generate_series(1, lines) AS k) AS total_price
    FROM (
        SELECT i, {LINES} AS lines, i % 11 = 0 AS cancelled,
            :first_visit + interval '1 day' * ((i / {STAFF}) / 8) + interval '1 hour' * (9 + (i / {STAFF}) % 8)
                AS starts_at
        FROM generate_series(0::bigint, :count - 1) AS i
    ) AS slots
) AS bookings
"""
SERVICE_LINES = f"""
INSERT INTO appointment_services (appointment_id, company_id, service_id, title, duration_minutes, price,
    category_id, position)
SELECT :first_id + i, :company_id, {SERVICE}, 'Service ' || ({SERVICE}), 15, {PRICE}, 1 + ({SERVICE}) % 8, k - 1
FROM generate_series(0::bigint, :count - 1) AS i, generate_series(1, {LINES}) AS k
"""


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


# Filters a salon's administrator uses, each on the first page of 50 rows.
FILTERS = {
    "everything, newest first": {},
    "everything, oldest first": {"direction": "asc"},
    "created in the last 7 days": {"created_from": day(-7), "created_to": day(1)},
    "created this month, by visit time": {"created_from": day(-14), "created_to": day(16), "sort": "starts_at"},
    "visits of one day, by visit time": {"visit_from": day(1), "visit_to": day(2), "sort": "starts_at",
                                         "direction": "asc"},
    "one staff member, next 30 days of visits": {"staff_member_ids": [17], "visit_from": day(0),
                                                 "visit_to": day(30), "sort": "starts_at", "direction": "asc"},
    "three staff members": {"staff_member_ids": [3, 44, 71]},
    "created by one user": {"created_by_user_id": 7},
    "cancelled only": {"cancelled": "cancelled"},
    "no-shows": {"visit_statuses": ["no_show"]},
    "arrived, not paid in full": {"visit_statuses": ["arrived"], "paid": "not_paid_in_full"},
    "client name 'kowal'": {"client": "kowal"},
    "client name 'igor petrov'": {"client": "igor petrov"},
    "client phone digits '4321'": {"client": "4321"},
    "client phone, full number": {"client": "+49 1500 000 7919"},
    "service category 3": {"service_category_ids": [3]},
    "booking category VIP": {"booking_categories": ["VIP"]},
    "online bookings": {"source": "online"},
    "bookings without services": {"services": "without"},
    "last 30 days, online, not cancelled, two staff": {"created_from": day(-30), "created_to": day(1),
                                                       "source": "online", "cancelled": "not_cancelled",
                                                       "staff_member_ids": [5, 6]},
    "VIP, not paid in full, by visit time": {"booking_categories": ["VIP"], "paid": "not_paid_in_full",
                                             "sort": "starts_at"},
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with temporary_database("bench_overview") as url:
        upgrade("bookings", url)
        engine = create_engine_for(url)
        loading = load_salons(engine, args.bookings)
        uow = UnitOfWork(session_factory(engine))
        results = {name: measure(uow, query, args.runs) for name, query in FILTERS.items()}
        results["second page, newest first"] = measure_second_page(uow, args.runs)
        engine.dispose()
    report(results, loading, args)


def load_salons(engine, bookings: int) -> dict:
    started = time.perf_counter()
    with engine.begin() as connection, without_indexes(connection):
        first_id = 0
        for company_id, count in [(BIG_SALON, bookings), *((c, SMALL_SIZE) for c in SMALL_SALONS)]:
            values = {"first_id": first_id, "company_id": company_id, "count": count,
                      "first_visit": FIRST_VISIT, "today": TODAY}  # fmt: skip
            connection.execute(text(APPOINTMENTS), values)
            connection.execute(text(SERVICE_LINES), values)
            first_id += count
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('appointments', 'id'), :last)"), {"last": first_id}
        )
        connection.execute(text("SELECT setval(pg_get_serial_sequence('appointment_services', 'id'), "
                                "(SELECT max(id) FROM appointment_services))"))  # fmt: skip
        inserted = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE appointments"))
        connection.execute(text("VACUUM ANALYZE appointment_services"))
        lines = connection.execute(text("SELECT count(*) FROM appointment_services")).scalar_one()
    seconds = time.perf_counter() - started
    total = bookings + len(SMALL_SALONS) * SMALL_SIZE
    print(f"loaded {total:,} bookings and {lines:,} service lines in {seconds:.0f} s "
          f"({inserted:.0f} s rows and indexes, then VACUUM ANALYZE)", flush=True)  # fmt: skip
    return {"bookings": bookings, "other_salons": len(SMALL_SALONS) * SMALL_SIZE, "service_lines": lines,
            "seconds": round(seconds, 1)}  # fmt: skip


@contextlib.contextmanager
def without_indexes(connection: Connection):
    """Drop the tables' secondary indexes and constraints, load, then recreate them from the
    definitions the migrations left, so the measured schema is exactly the migrated one."""
    constraints = connection.execute(text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(:tables) AND contype IN ('f', 'u', 'x') ORDER BY contype"
    ), {"tables": list(TABLES)}).all()  # fmt: skip
    for table, name, _ in reversed(constraints):
        connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    indexes = connection.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:tables) AND indexname NOT LIKE '%pkey'"
    ), {"tables": list(TABLES)}).all()  # fmt: skip
    for name, _ in indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    yield
    connection.execute(text("SET maintenance_work_mem = '512MB'"))
    for _, definition in indexes:
        connection.execute(text(definition))
    for table, name, definition in constraints:
        connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def measure(uow: UnitOfWork, raw_query: dict, runs: int) -> dict:
    query = load(OverviewQuerySchema(), raw_query)
    page = handlers.list_overview(uow, BIG_SALON, query)
    return {**timed(lambda: handlers.list_overview(uow, BIG_SALON, query), runs), "rows": len(page.rows)}


def measure_second_page(uow: UnitOfWork, runs: int) -> dict:
    first = handlers.list_overview(uow, BIG_SALON, load(OverviewQuerySchema(), {}))
    return measure(uow, {"cursor": first.next_cursor}, runs)


def timed(call, runs: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples) | {"samples_ms": [round(s, 2) for s in samples]}


def summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
    }


def report(results: dict, loading: dict, args) -> None:
    overall = summary([sample for result in results.values() for sample in result["samples_ms"]])
    lines = ["| Filter (first page of 50, in process) | rows | p50 | p95 |", "|---|---|---|---|"]
    for name, result in results.items():
        lines.append(f"| {name} | {result['rows']} | {result['p50_ms']} ms | {result['p95_ms']} ms |")
    met = "met" if overall["p50_ms"] <= TARGET_P50_MS else "NOT met"
    lines.append(f"| **all filters together** | | **{overall['p50_ms']} ms** | {overall['p95_ms']} ms |")
    print("\n".join(lines))
    print(f"\noverall p50 {overall['p50_ms']} ms against a target of <= {TARGET_P50_MS:g} ms: {met}")
    out = ROOT / "docs" / "benchmark-results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"overview-{stamp}.json"
    path.write_text(
        json.dumps({"args": vars(args), "loading": loading, "overall": overall, "filters": results}, indent=1)
    )
    print(f"raw figures: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
