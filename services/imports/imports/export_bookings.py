"""Exporting bookings (kind export_bookings): the Overview > Bookings rows the filters select, page by
page from bookings, written to an .xlsx as they come (`domain.export`), never all in memory.

Times are written on the company's wall clock; staff members and users by name.
"""

import base64
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from imports.domain.export import ExportedBooking, write_bookings
from imports.neighbours import Neighbours
from salon_infra.errors import NotFound

PAGE = 200
SUBJECT = "Your bookings export is ready"


def export_bookings(company: dict, filters: dict, target: Path, n: Neighbours) -> int:
    """Write the file to `target` (whole, or not at all); the number of bookings written."""
    company_id, zone = company["id"], ZoneInfo(company["timezone"])
    staff = {member["id"]: member["name"] for member in n.scheduling.list_staff(company_id, include_inactive=True)}
    users = {user["id"]: user["name"] for user in n.accounts.list_users(company_id)}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        rows = (exported(row, zone, staff, users) for row in _overview(company_id, filters, n))
        written = write_bookings(str(partial), rows)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return written


def _overview(company_id: int, filters: dict, n: Neighbours) -> Iterator[dict]:
    """The rows, page after page; each next page is on its way while the rows before it are written."""

    def page(cursor: str | None) -> dict:
        return n.bookings.list_overview(company_id, {**filters, "limit": PAGE, "cursor": cursor})

    current = page(None)
    while True:
        following = n.in_background(page, current["next_cursor"]) if current["next_cursor"] else None
        yield from current["rows"]
        if following is None:
            return
        current = following()


def exported(row: dict, zone: ZoneInfo, staff: dict[int, str], users: dict[int, str]) -> ExportedBooking:
    starts_at, ends_at = datetime.fromisoformat(row["starts_at"]), datetime.fromisoformat(row["ends_at"])
    creator = row["created_by"] or {}
    created_by = users.get(creator.get("id"), "") if creator.get("kind") == "user" else creator.get("kind", "")
    return ExportedBooking(
        starts_at=_wall_clock(starts_at, zone),
        staff_member_id=row["staff_member_id"],
        phone=row["client_phone"] or "",
        client_name=row["client_name"] or "",
        staff_member_name=staff.get(row["staff_member_id"], ""),
        duration_minutes=int((ends_at - starts_at).total_seconds()) // 60,
        service_ids=[line["service_id"] for line in row["services"]],
        service_names=[line["title"] for line in row["services"]],
        # What each service line costs before its discount (price x quantity): the file's "Price of service".
        prices=[line.get("subtotal", line["price"]) for line in row["services"]],
        discount=row.get("discount") or 0,
        comment=row.get("comment") or "",
        visit_status=row["visit_status"],
        created_at=_wall_clock(datetime.fromisoformat(row["created_at"]), zone),
        created_by=created_by,
        source=row["source"],
        payment_status=row["payment_status"],
        deleted=row["state"] == "deleted",
    )


def _wall_clock(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def export_ready_email(to: str, link: str) -> dict:
    text = (
        "Hello,\n\nthe bookings you exported are ready. Sign in and download the file here:\n"
        f"{link}\n\nThe download is recorded in the data log.\n"
    )
    return {"to": to, "subject": SUBJECT, "text": text, "purpose": "export_ready"}


def piece_of(path: Path, offset: int, length: int) -> str:
    """Base64 of up to `length` bytes of the file from `offset`: a download travels over RPC in pieces."""
    try:
        with path.open("rb") as file:
            file.seek(offset)
            return base64.b64encode(file.read(length)).decode()
    except FileNotFoundError:  # EXPORT_DIR lost, or not shared by this replica
        raise NotFound("the export's file is no longer kept; export again") from None
