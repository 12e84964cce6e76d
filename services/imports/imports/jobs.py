"""What a job does, given the other services (`Neighbours`): bring bookings, services or clients in
from a checked file, or write the bookings export. All or nothing: a file with any problem
writes nothing, and its report names every problem by row and column."""

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from imports.domain.bookings_sheet import DATE, PHONE, BookingRow, BookingsContext, read_bookings
from imports.domain.catalogue import Catalogue
from imports.domain.clients_sheet import read_clients
from imports.domain.export import ExportedBooking, write_bookings
from imports.domain.services_sheet import read_services

PAGE = 200
BOOKINGS, SERVICES, CLIENTS, EXPORT = "import_bookings", "import_services", "import_clients", "export_bookings"
IMPORT_KINDS = (BOOKINGS, SERVICES, CLIENTS)


@dataclass(frozen=True)
class Neighbours:
    """The services a job calls (nameko proxies in the service, simple fakes in unit tests)."""

    scheduling: Any
    clients: Any
    bookings: Any
    notifications: Any
    parse: Any = None  # runs CPU-heavy parsing off the event loop; None runs it inline


def run_import(kind: str, company_id: int, content: bytes, dry_run: bool, user_id: int, n: Neighbours) -> dict:
    """The job's report: {rows, created, existing, problems: [{row, column, message}]}."""
    company = n.scheduling.get_company(company_id)
    if kind == BOOKINGS:
        return _import_bookings(company, content, dry_run, user_id, n)
    if kind == SERVICES:
        return _import_services(company, content, dry_run, n)
    return _import_clients(company, content, dry_run, n)


def _parse(n: Neighbours, reader, *args):
    return n.parse(reader, *args) if n.parse else reader(*args)


def _refused(parsed) -> dict:
    return _report(len(parsed.records), [_problem(p) for p in parsed.problems])


def _report(rows: int, problems: list[dict]) -> dict:
    return {"rows": rows, "created": 0, "existing": 0, "problems": problems}


def _phones(n: Neighbours, company: dict, phones: list[str]) -> list[dict]:
    return n.clients.normalise_phones(company["id"], {"phones": phones, "default_region": company["country"]})


def _problem(problem) -> dict:
    return {"row": problem.row, "column": problem.column, "message": problem.message}


def _import_bookings(company: dict, content: bytes, dry_run: bool, user_id: int, n: Neighbours) -> dict:
    company_id, tz = company["id"], ZoneInfo(company["timezone"])
    staff = n.scheduling.list_staff(company_id, include_inactive=True)
    services = {s["id"]: s for s in n.scheduling.list_services(company_id, include_inactive=True)}
    context = BookingsContext(
        company_id,
        company["slot_step_minutes"],
        Catalogue({member["id"]: member["name"] for member in staff}),
        Catalogue({service_id: service["title"] for service_id, service in services.items()}),
    )
    parsed = _parse(n, read_bookings, content, context)
    rows = parsed.records
    phones = _phones(n, company, [r.phone for r in rows])
    problems = [_problem(p) for p in parsed.problems]
    for row, answer in zip(rows, phones, strict=True):
        if answer["error"]:
            problems.append({"row": row.row, "column": PHONE, "message": answer["error"]})
    times = {}
    for row in rows:
        instant = _instant(row.starts_at, tz)
        if instant is None:
            problems.append({"row": row.row, "column": DATE, "message": f"This time does not exist in {tz.key}."})
        times[row.row] = instant
    if problems:
        return _report(len(rows), _ordered(problems))
    e164 = [answer["phone"] for answer in phones]
    if dry_run:
        client_ids = [1] * len(rows)  # not written: the dry run only asks bookings for conflicts
    else:
        cards = n.clients.find_or_create_clients(
            company_id,
            {"clients": [{"phone": p, "name": r.client_name} for p, r in zip(e164, rows, strict=True)],
             "default_region": company["country"]},
        )  # fmt: skip
        client_ids = [card["id"] for card in cards]
    appointments = [
        _appointment(row, times[row.row], client_id, phone, services)
        for row, client_id, phone in zip(rows, client_ids, e164, strict=True)
    ]
    result = n.bookings.import_appointments(
        company_id,
        {"timezone": tz.key, "dry_run": dry_run, "created_by": {"kind": "user", "id": user_id},
         "appointments": appointments},
    )  # fmt: skip
    return {"rows": len(rows), **result, "problems": _ordered(result["problems"])}


def _instant(local: datetime, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall time; None inside a spring-forward gap (the earlier of a repeated hour)."""
    aware = local.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        return None
    return aware.astimezone(UTC)


def _appointment(row: BookingRow, starts_at: datetime, client_id: int, phone: str, services: dict) -> dict:
    count = len(row.service_ids)
    share, extra = divmod(row.duration_minutes, count)
    prices = row.prices or [services[service_id]["price_min"] for service_id in row.service_ids]
    lines = [
        {
            "service_id": service_id,
            "title": services[service_id]["title"],
            "duration_minutes": max(share + (extra if position == 0 else 0), 1),
            "price": price,
            "category_id": services[service_id].get("category_id"),
        }
        for position, (service_id, price) in enumerate(zip(row.service_ids, prices, strict=True))
    ]
    return {
        "row": row.row,
        "key": row.key,
        "client_id": client_id,
        "client_name": row.client_name,
        "client_phone": phone,
        "staff_member_id": row.staff_member_id,
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(minutes=row.duration_minutes)).isoformat(),
        "services": lines,
        "discount": row.discount,
        "comment": row.comment,
        "visit_status": row.visit_status,
    }


def _import_services(company: dict, content: bytes, dry_run: bool, n: Neighbours) -> dict:
    company_id = company["id"]
    parsed = _parse(n, read_services, content, company_id)
    if not parsed.ok:
        return _refused(parsed)
    existing = {s["title"].strip().lower() for s in n.scheduling.list_services(company_id, include_inactive=True)}
    new = [row for row in parsed.records if row.name.strip().lower() not in existing]
    report = {**_report(len(parsed.records), []), "existing": len(parsed.records) - len(new)}
    if dry_run:
        return report
    categories = {c["title"].strip().lower(): c["id"] for c in n.scheduling.list_service_categories(company_id)}
    for row in new:
        category = row.category.strip().lower()
        if category and category not in categories:
            categories[category] = n.scheduling.create_service_category(company_id, {"title": row.category})["id"]
        n.scheduling.create_service(
            company_id,
            {"title": row.name, "category_id": categories.get(category), "duration_minutes": row.duration_minutes,
             "price_min": row.price_min, "price_max": row.price_max},
        )  # fmt: skip
    return {**report, "created": len(new)}


def _import_clients(company: dict, content: bytes, dry_run: bool, n: Neighbours) -> dict:
    company_id = company["id"]
    parsed = _parse(n, read_clients, content, company_id)
    if not parsed.ok:
        return _refused(parsed)
    rows = parsed.records
    answers = list(zip(rows, _phones(n, company, [r.phone for r in rows]), strict=True))
    problems = [{"row": r.row, "column": "Phone", "message": a["error"]} for r, a in answers if a["error"]]
    report = _report(len(rows), problems)
    if problems or dry_run:
        return report
    clients = [{"phone": a["phone"], "name": r.name, "email": r.email or None} for r, a in answers]
    cards = n.clients.find_or_create_clients(company_id, {"clients": clients, "default_region": company["country"]})
    return {**report, "created": len({card["id"] for card in cards})}


def _ordered(problems: list[dict]) -> list[dict]:
    return sorted(problems, key=lambda problem: (problem["row"], problem["column"]))


# ---------------------------------------------------------------- export


def run_export(company_id: int, filters: dict, target: Path, n: Neighbours) -> int:
    """Write the filtered bookings to `target` page by page (never all in memory); the rows written."""
    company = n.scheduling.get_company(company_id)
    tz = ZoneInfo(company["timezone"])
    staff = {member["id"]: member["name"] for member in n.scheduling.list_staff(company_id, include_inactive=True)}
    users = {user["id"]: user["name"] for user in n.scheduling.list_users(company_id)}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    written = write_bookings(str(partial), (_exported(row, tz, staff, users) for row in _rows(company_id, filters, n)))
    partial.replace(target)
    return written


def _rows(company_id: int, filters: dict, n: Neighbours) -> Iterator[dict]:
    cursor = None
    while True:
        page = n.bookings.list_overview(company_id, {**filters, "limit": PAGE, "cursor": cursor})
        yield from page["rows"]
        cursor = page["next_cursor"]
        if not cursor:
            return


def _exported(row: dict, tz: ZoneInfo, staff: dict, users: dict) -> ExportedBooking:
    starts_at, ends_at = datetime.fromisoformat(row["starts_at"]), datetime.fromisoformat(row["ends_at"])
    creator = row["created_by"]
    return ExportedBooking(
        starts_at=starts_at.astimezone(tz).replace(tzinfo=None),
        staff_member_id=row["staff_member_id"],
        phone=(row["client_phone"] or "").lstrip("+"),
        client_name=row["client_name"] or "",
        staff_member_name=staff.get(row["staff_member_id"], ""),
        duration_minutes=int((ends_at - starts_at).total_seconds() // 60),
        service_ids=[line["service_id"] for line in row["services"]],
        service_names=[line["title"] for line in row["services"]],
        prices=[line["price"] for line in row["services"]],
        discount=row.get("discount") or 0,
        comment=row["comment"] or "",
        visit_status=row["visit_status"],
        created_at=datetime.fromisoformat(row["created_at"]).astimezone(tz).replace(tzinfo=None),
        created_by=users.get(creator["id"], "") if creator["kind"] == "user" else "client",
        source=row["source"],
        payment_status=row["payment_status"],
        deleted=row["state"] == "deleted",
    )


def export_ready_email(to: str, company: dict, link: str) -> dict:
    return {
        "to": to,
        "subject": f"Your bookings export from {company['name']} is ready",
        "text": f"Hello,\n\nthe bookings you exported are ready to download (sign in first):\n{link}\n",
        "purpose": "export_ready",
    }


def chunk_of(path: Path, offset: int, length: int) -> str:
    with path.open("rb") as file:
        file.seek(offset)
        return base64.b64encode(file.read(length)).decode()
