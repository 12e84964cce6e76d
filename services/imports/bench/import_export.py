"""Benchmark, in process: the imports service's own work, without the services it calls.

    .venv/bin/python services/imports/bench/import_export.py [--import-rows 10000] [--export-rows 100000]

- import: reading a bookings file (`domain.bookings_sheet.read_bookings`: upload checks, openpyxl
  read-only, every cell parsed) and turning its rows into what `bookings.import_appointments`
  takes (UTC times, service lines), for a tenth of the rows and then all of them;
- export: `domain.export.write_bookings` streaming rows to an .xlsx, for a tenth and then all.

Each measure runs in a fresh process, so its peak memory (ru_maxrss, the process's high-water
mark, including the interpreter and openpyxl) is its own; "flat" means the peak hardly grows
with ten times the rows. Prints a Markdown table.
"""

import argparse
import io
import multiprocessing
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from imports.domain.bookings_sheet import BOOKING_COLUMNS, BookingsContext, read_bookings
from imports.domain.catalogue import Catalogue
from imports.domain.export import ExportedBooking, write_bookings
from imports.import_bookings import appointment, utc_instant

STAFF = {100 + number: f"Stylist {number:02d}" for number in range(20)}
SERVICES = {
    200: {"id": 200, "title": "Cut", "price_min": 3000, "category_id": 1},
    201: {"id": 201, "title": "Colour", "price_min": 6000, "category_id": 1},
}
ZONE = ZoneInfo("Europe/Berlin")
TARGETS = {"import": 15.0, "export": 30.0}  # seconds for the full row counts


def bookings_file(rows: int) -> bytes:
    """One booking an hour 09:00-17:00 per staff member, day after day, as the salon's sheet has them."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(BOOKING_COLUMNS))
    staff = list(STAFF.items())
    per_day = len(staff) * 9
    first_day = datetime(2027, 3, 1)
    for number in range(rows):
        day = first_day + timedelta(days=number // per_day)
        staff_id, name = staff[number % len(staff)]
        hour = 9 + (number % per_day) // len(staff)
        sheet.append([
            f"{day:%d.%m.%Y} {hour:02d}:00", staff_id, f"49151{number % 5000:08d}", f"Client {number % 5000}",
            name, 3600, "200,201", "Cut##Colour", "30.00#45.50", 5, "imported", 2, "Confirmed",
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure_import(rows: int) -> dict:
    content = bookings_file(rows)
    context = BookingsContext(1, 15, Catalogue(STAFF), Catalogue({i: s["title"] for i, s in SERVICES.items()}))
    started = time.perf_counter()
    parsed = read_bookings(content, context)
    parsed_at = time.perf_counter()
    converted = [
        appointment(row, utc_instant(row.starts_at, ZONE), 1, "+" + row.phone, SERVICES) for row in parsed.records
    ]
    finished = time.perf_counter()
    assert not parsed.problems and len(converted) == rows, parsed.problems[:3]
    return {"rows": rows, "file_mb": len(content) / 2**20, "parse_s": parsed_at - started,
            "total_s": finished - started, "peak_mb": _peak_mb()}  # fmt: skip


def measure_export(rows: int) -> dict:
    def bookings():
        first = datetime(2027, 3, 1, 9)
        for number in range(rows):
            starts_at = first + timedelta(hours=number // 20)
            yield ExportedBooking(
                starts_at=starts_at, staff_member_id=100 + number % 20, phone=f"+49151{number % 5000:08d}",
                client_name=f"Client {number % 5000}", staff_member_name=f"Stylist {number % 20:02d}",
                duration_minutes=60, service_ids=[200, 201], service_names=["Cut", "Colour"], prices=[3000, 4550],
                discount=500, comment="=imported", visit_status="confirmed", created_at=starts_at - timedelta(days=3),
                created_by="Owner", source="admin", payment_status="not_paid", deleted=number % 50 == 0,
            )  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.xlsx"
        started = time.perf_counter()
        written = write_bookings(str(target), bookings())
        seconds = time.perf_counter() - started
        size = target.stat().st_size
    assert written == rows
    return {"rows": rows, "file_mb": size / 2**20, "total_s": seconds, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def in_fresh_process(function, rows: int) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, (rows,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    args = parser.parse_args()
    print("| Measure | Rows | File | Seconds | Peak memory (process) |")
    print("|---|---|---|---|---|")
    for rows in (args.import_rows // 10, args.import_rows):
        result = in_fresh_process(measure_import, rows)
        print(f"| import: read and check (and convert) | {rows:,} | {result['file_mb']:.1f} MB | "
              f"{result['parse_s']:.2f} ({result['total_s']:.2f}) | {result['peak_mb']:.0f} MB |")  # fmt: skip
    import_seconds = result["total_s"]
    for rows in (args.export_rows // 10, args.export_rows):
        result = in_fresh_process(measure_export, rows)
        print(f"| export: write | {rows:,} | {result['file_mb']:.1f} MB | {result['total_s']:.2f} | "
              f"{result['peak_mb']:.0f} MB |")  # fmt: skip
    export_seconds = result["total_s"]
    print(f"\ntargets: import {args.import_rows:,} rows <= {TARGETS['import']:.0f} s "
          f"({'met' if import_seconds <= TARGETS['import'] else 'MISSED'}), export {args.export_rows:,} rows <= "
          f"{TARGETS['export']:.0f} s ({'met' if export_seconds <= TARGETS['export'] else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    main()
