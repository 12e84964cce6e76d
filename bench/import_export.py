"""Benchmark: Excel import of 10,000 bookings and export of 100,000, through the whole system on PostgreSQL.

    .venv/bin/python bench/import_export.py [--import-rows 10000] [--export-rows 100000]

Starts every service, the relay and the gateway on throwaway PostgreSQL databases and a
throwaway vhost, with a local SMTP server. Then:
  - uploads a 1,000-row and then a 10,000-row bookings file through `POST /api/v1/imports`
    (a dry run, then the import) and times each until its job is done; the imports service's
    memory (RSS, and its high-water mark) is read from /proc after each;
  - loads more bookings straight into the bookings database (INSERT ... SELECT) to reach
    `--export-rows`, exports them all through `POST /api/v1/exports`, times the job until done and
    the download, and counts the rows in the file: once right after the import, while its 10,000
    events are still being relayed and handled, and once the system is quiet.
Prints a Markdown table and writes docs/benchmark-results/import-export-<time>.json.
"""

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import openpyxl
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(ROOT / "tests")]

from cluster import SERVICES, LocalCluster  # noqa: E402
from support.api import Api  # noqa: E402
from support.mail import SmtpServer  # noqa: E402
from support.salon import FULL_WEEK, open_salon  # noqa: E402

from imports.domain.bookings_sheet import BOOKING_COLUMNS  # noqa: E402
from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402

STAFF = 20
TARGETS = {"import_10k_seconds": 15.0, "export_100k_seconds": 30.0}
UNPUBLISHED = text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {spec.name: stack.enter_context(temporary_database(f"bench_{spec.name}")) for spec in SERVICES}
        smtp = stack.enter_context(SmtpServer())
        cluster = LocalCluster(
            amqp_uri=amqp_uri,
            database_urls=urls,
            log_dir=ROOT / "bench" / "results" / "logs",
            jwt_secret="bench-jwt-secret-of-at-least-thirty-two-bytes",
            extra_env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMS_PROVIDER": "development"},
        )
        cluster.migrate()
        cluster.start()
        stack.callback(cluster.stop)
        results = run(cluster, urls["bookings"], args)
    report(results)


def run(cluster: LocalCluster, bookings_url: str, args) -> dict:
    salon = open_salon(Api(cluster.gateway_url))
    for number in range(STAFF):
        salon.add_staff(f"Stylist {number:02d}", weekly=FULL_WEEK)
    salon.add_service("Cut", 60, list(salon.staff), price=3000)
    imports_pid = cluster.processes["imports"].popen.pid
    first_day = date.today() + timedelta(days=30)
    results = {"imports": []}
    start_row = 0
    for rows in (min(1_000, args.import_rows), args.import_rows):
        content = bookings_file(salon, first_day, start_row, rows)
        start_row += rows
        dry_seconds, _ = timed_job(salon.api, content, dry_run=True)
        seconds, job = timed_job(salon.api, content, dry_run=False)
        assert job["report"]["created"] == rows, job
        results["imports"].append(
            {
                "rows": rows,
                "file_bytes": len(content),
                "dry_run_seconds": dry_seconds,
                "import_seconds": seconds,
                **memory(imports_pid),
            }
        )
        print(f"imported {rows} rows in {seconds:.1f} s (dry run {dry_seconds:.1f} s), {memory(imports_pid)}")
    loaded = top_up(bookings_url, salon.company_id, args.export_rows - start_row)
    total = start_row + loaded
    busy = export(salon, total)  # while the imported bookings' events are still being handled
    quiet_after = wait_until_quiet(bookings_url, cluster.amqp_uri)
    results["export_busy"] = busy
    results["export"] = {**export(salon, total), "waited_for_quiet_seconds": quiet_after, **memory(imports_pid)}
    quiet = results["export"]["export_seconds"]
    print(f"exported {total} rows in {busy['export_seconds']:.1f} s (busy), {quiet:.1f} s (quiet)")
    return results


def export(salon, total: int) -> dict:
    started = time.perf_counter()
    job = salon.api.ok("POST", "/api/v1/exports", {}, expect=(202,))
    job = wait(salon.api, job["id"], timeout=600)
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    download = salon.api.get(f"/api/v1/exports/{job['id']}/file", timeout=300)
    download_seconds = time.perf_counter() - started
    sheet = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True).active
    exported = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    assert exported == total, (exported, total)
    return {
        "rows": exported,
        "export_seconds": export_seconds,
        "download_seconds": download_seconds,
        "file_bytes": len(download.content),
    }


def wait_until_quiet(bookings_url: str, amqp_uri: str, timeout: float = 300) -> float:
    """Seconds until every event is relayed and every queue of the vhost is empty."""
    started = time.monotonic()
    engine = create_engine(bookings_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    vhost = unquote(urlparse(amqp_uri).path.lstrip("/")) or "/"
    with engine.connect() as connection:
        while True:
            unpublished = connection.execute(
                text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            ).scalar_one()
            connection.rollback()
            listed = subprocess.run(
                ["rabbitmqctl", "list_queues", "-q", "-p", vhost, "messages"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            if not unpublished and not any(int(count) for count in listed if count.isdigit()):
                break
            assert time.monotonic() - started < timeout, "the system did not settle"
            time.sleep(0.5)
    engine.dispose()
    return time.monotonic() - started


def bookings_file(salon, first_day: date, start: int, rows: int) -> bytes:
    """`rows` bookings, one an hour 09:00-17:00 for each staff member, day after day."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(BOOKING_COLUMNS))
    staff = list(salon.staff.items())
    per_day = len(staff) * 9
    for number in range(start, start + rows):
        day = first_day + timedelta(days=number // per_day)
        name, staff_id = staff[number % len(staff)]
        hour = 9 + (number % per_day) // len(staff)
        sheet.append([
            f"{day:%d.%m.%Y} {hour:02d}:00", staff_id, f"49151{number % 5000:08d}", f"Client {number % 5000}",
            name, 3600, salon.services["Cut"], "Cut", "30.00", 0, "", 2, "Confirmed",
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed_job(api, content: bytes, dry_run: bool) -> tuple[float, dict]:
    started = time.perf_counter()
    files = {"file": ("bench.xlsx", content, XLSX)}
    response = api.request("POST", "/api/v1/imports", files=files, data={"kind": "bookings", "dry_run": str(dry_run)})
    assert response.status_code == 202, response.text
    job = wait(api, response.json()["id"], timeout=300)
    assert job["status"] == "done" and not job["report"]["problems"], job
    return time.perf_counter() - started, job


def wait(api, job_id: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = api.ok("GET", f"/api/v1/jobs/{job_id}")
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def memory(pid: int) -> dict:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = {line.split(":")[0]: line.split()[1] for line in status if line.startswith(("VmRSS", "VmHWM"))}
    return {"rss_mb": int(fields["VmRSS"]) // 1024, "peak_rss_mb": int(fields["VmHWM"]) // 1024}


def top_up(bookings_url: str, company_id: int, count: int) -> int:
    """More bookings straight into the bookings database, in the past so nothing overlaps the imports."""
    if count <= 0:
        return 0
    engine = create_engine(bookings_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.begin() as connection:
        connection.execute(
            text("""
            INSERT INTO appointments (company_id, client_id, staff_member_id, starts_at, ends_at, comment, source,
                created_by_kind, created_by_id, visit_status, client_name, client_phone, total_price, discount,
                paid_amount, prepayment_required, version, created_at, updated_at)
            SELECT :company, 1 + n % 5000, 1000000 + n % 50, :base - make_interval(hours => n),
                   :base - make_interval(hours => n) + interval '30 minutes', '', 'admin', 'user', 1, 'arrived',
                   'Client ' || (n % 5000), '+49151' || lpad((n % 5000)::text, 8, '0'), 3000, 0, 3000, false, 1,
                   now(), now()
            FROM generate_series(1, :count) AS n
            """),
            {"company": company_id, "count": count, "base": datetime(2026, 1, 1, tzinfo=UTC)},
        )
        connection.execute(
            text("""
            INSERT INTO appointment_services (appointment_id, company_id, service_id, title, duration_minutes,
                price, position)
            SELECT id, company_id, 1, 'Cut', 30, 3000, 0 FROM appointments
            WHERE company_id = :company AND source = 'admin'
            """),
            {"company": company_id},
        )
        # Statistics, as autovacuum would gather them after a load this size: without them the planner
        # takes the fresh table for a small one and each overview page costs ~100 ms instead of ~20.
        connection.execute(text("ANALYZE appointments, appointment_services"))
    engine.dispose()
    return count


def report(results: dict) -> None:
    print("\n| Measure | Rows | Seconds | imports service RSS / peak |")
    print("|---|---|---|---|")
    for entry in results["imports"]:
        print(
            f"| import (dry run / import) | {entry['rows']:,} | {entry['dry_run_seconds']:.1f} / "
            f"{entry['import_seconds']:.1f} | {entry['rss_mb']} / {entry['peak_rss_mb']} MB |"
        )
    busy, export = results["export_busy"], results["export"]
    print(
        f"| export right after the import (job / download) | {busy['rows']:,} | {busy['export_seconds']:.1f} / "
        f"{busy['download_seconds']:.1f} | |"
    )
    print(
        f"| export, system quiet (job / download) | {export['rows']:,} | {export['export_seconds']:.1f} / "
        f"{export['download_seconds']:.1f} | {export['rss_mb']} / {export['peak_rss_mb']} MB |"
    )
    out = ROOT / "docs" / "benchmark-results" / f"import-export-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({"targets": TARGETS, **results}, indent=2))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
