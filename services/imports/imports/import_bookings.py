"""Importing a calendar (kind import_bookings): check every row, then write all of it or nothing.

The file is read against the company's staff and services (`domain.bookings_sheet`); phones are
normalised by clients, local times become UTC in the company's time zone, and bookings takes all
the appointments in one call, refusing them all if any overlaps. An imported appointment has
source "import": nobody is notified.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from imports.domain.bookings_sheet import DATE, PHONE, BookingRow, BookingsContext, read_bookings
from imports.domain.catalogue import Catalogue
from imports.neighbours import Neighbours
from imports.reports import normalised_phones, problems_of, report


def import_bookings(company: dict, content: bytes, dry_run: bool, user_id: int, n: Neighbours) -> dict:
    company_id, zone = company["id"], ZoneInfo(company["timezone"])
    staff = n.scheduling.list_staff(company_id, include_inactive=True)
    services = {service["id"]: service for service in n.scheduling.list_services(company_id, include_inactive=True)}
    context = BookingsContext(
        company_id,
        company["slot_step_minutes"],
        Catalogue({member["id"]: member["name"] for member in staff}),
        Catalogue({service_id: service["title"] for service_id, service in services.items()}),
    )
    parsed = n.off_loop(read_bookings, content, context)
    rows = parsed.records
    phones = normalised_phones(n, company, [row.phone for row in rows])
    problems = problems_of(parsed)
    problems += [
        {"row": row.row, "column": PHONE, "message": answer["error"]}
        for row, answer in zip(rows, phones, strict=True)
        if answer["error"]
    ]
    starts = {row.row: utc_instant(row.starts_at, zone) for row in rows}
    problems += [
        {"row": row.row, "column": DATE, "message": f"this time does not exist in {zone.key} (the clocks go forward)"}
        for row in rows
        if starts[row.row] is None
    ]
    if problems:
        return report(len(rows), problems)
    e164 = [answer["phone"] for answer in phones]
    client_ids = [1] * len(rows) if dry_run else _client_cards(n, company, rows, e164)  # a dry run writes no card
    appointments = [
        appointment(row, starts[row.row], client_id, phone, services)
        for row, client_id, phone in zip(rows, client_ids, e164, strict=True)
    ]
    command = {
        "timezone": zone.key,
        "dry_run": dry_run,
        "created_by": {"kind": "user", "id": user_id},
        "appointments": appointments,
    }
    result = n.bookings.import_appointments(company_id, command)
    return report(len(rows), result["problems"], result["created"], result["existing"])


def _client_cards(n: Neighbours, company: dict, rows: list[BookingRow], phones: list[str]) -> list[int]:
    clients = [{"phone": phone, "name": row.client_name} for row, phone in zip(rows, phones, strict=True)]
    cards = n.clients.find_or_create_clients(company["id"], {"clients": clients, "default_region": company["country"]})
    return [card["id"] for card in cards]


def utc_instant(local: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time; None inside a spring-forward gap. A time the clocks
    repeat (autumn) is taken the first time round."""
    aware = local.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        return None
    return aware.astimezone(UTC)


def appointment(row: BookingRow, starts_at: datetime, client_id: int, phone: str, services: dict) -> dict:
    """The row as bookings.import_appointments takes it. The row's duration is shared equally by its
    services in whole minutes, the remainder on the first; a service without a price in the row
    costs its catalogue price_min."""
    share, remainder = divmod(row.duration_minutes, len(row.service_ids))
    prices = row.prices or [services[service_id]["price_min"] for service_id in row.service_ids]
    lines = [
        {
            "service_id": service_id,
            "title": services[service_id]["title"],
            "duration_minutes": max(share + (remainder if position == 0 else 0), 1),
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
