"""Overview > Bookings: every booking of a company (cancelled and deleted ones too), filtered,
sorted by creation or visit time, in keyset pages. Builds SQLAlchemy Core statements and
assembles their rows; the handler runs them.
"""

import base64
import binascii
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, select, tuple_

from bookings.domain.appointments import OFFLINE_SOURCES, ONLINE_SOURCES
from bookings.domain.model import state_of
from bookings.domain.pricing import payment_status
from bookings.models import appointment_services, appointments
from salon_infra.errors import InvalidInput
from salon_infra.validation import MAX_ID

APPOINTMENTS = appointments
LINES = appointment_services
SORTABLE = ("created_at", "starts_at")
# What a phone number may be typed with; anything else is looked for in the name.
PHONE_TYPED = re.compile(r"[0-9\s+()\-.]+")

ROW_COLUMNS = [
    APPOINTMENTS.c[name]
    for name in (
        "id", "created_at", "created_by_kind", "created_by_id", "source", "staff_member_id", "client_id",
        "client_name", "client_phone", "starts_at", "ends_at", "visit_status", "paid_amount", "sales_total",
        "total_price", "discount", "cancelled_at", "deleted_at", "deleted_by_id", "category_id", "group_event_id",
        "comment",
    )
]  # fmt: skip
LINE_COLUMNS = [LINES.c.appointment_id, LINES.c.service_id, LINES.c.title, LINES.c.price, LINES.c.quantity,
                LINES.c.discount, LINES.c.subtotal, LINES.c.total, LINES.c.category_id]  # fmt: skip


@dataclass(frozen=True)
class OverviewFilter:
    """Empty lists and None mean "any"; ranges are half-open UTC instants [from, to)."""

    created_from: datetime | None = None
    created_to: datetime | None = None
    visit_from: datetime | None = None
    visit_to: datetime | None = None
    staff_member_ids: Sequence[int] = ()
    created_by_user_id: int | None = None
    cancelled: str = "all"  # all | cancelled | not_cancelled
    visit_statuses: Sequence[str] = ()
    client: str | None = None  # part of the name, any case, or of the phone's digits
    service_category_ids: Sequence[int] = ()
    category_ids: Sequence[int] = ()  # the company's appointment categories
    source: str = "all"  # all | online | offline
    paid: str = "all"  # all | paid_in_full | not_paid_in_full
    services: str = "all"  # all | with | without


@dataclass(frozen=True)
class PageRequest:
    sort: str = "created_at"
    direction: str = "desc"
    limit: int = 50
    after: tuple[datetime, int] | None = None  # (sort value, id) of the last row already shown


@dataclass(frozen=True)
class OverviewPage:
    rows: list[dict] = field(default_factory=list)
    next_cursor: str | None = None


def request_from(query: dict) -> tuple[OverviewFilter, PageRequest]:
    """The filter and page of a validated overview query; InvalidInput on `cursor` for a bad cursor."""
    names = [each.name for each in fields(OverviewFilter)]
    filters = OverviewFilter(**{name: query[name] for name in names if name in query})
    sort, direction = query.get("sort", "created_at"), query.get("direction", "desc")
    after = decode_cursor(query["cursor"], sort, direction) if query.get("cursor") else None
    return filters, PageRequest(sort, direction, query.get("limit", 50), after)


def page_statement(company_id: int, filters: OverviewFilter, page: PageRequest) -> Select:
    """One more row than the page holds, so the caller knows whether another page follows."""
    sort_column, id_column = APPOINTMENTS.c[page.sort], APPOINTMENTS.c.id
    conditions = [APPOINTMENTS.c.company_id == company_id, *filter_conditions(company_id, filters)]
    if page.after:
        position = tuple_(sort_column, id_column)
        conditions.append(position < page.after if page.direction == "desc" else position > page.after)
    order = [sort_column.desc(), id_column.desc()] if page.direction == "desc" else [sort_column, id_column]
    return select(*ROW_COLUMNS).where(*conditions).order_by(*order).limit(page.limit + 1)


def filter_conditions(company_id: int, f: OverviewFilter) -> list:
    a = APPOINTMENTS.c
    conditions = []
    for column, start, end in ((a.created_at, f.created_from, f.created_to), (a.starts_at, f.visit_from, f.visit_to)):
        if start is not None:
            conditions.append(column >= start)
        if end is not None:
            conditions.append(column < end)
    if f.staff_member_ids:
        conditions.append(a.staff_member_id.in_(f.staff_member_ids))
    if f.created_by_user_id is not None:
        conditions += [a.created_by_kind == "user", a.created_by_id == f.created_by_user_id]
    if f.cancelled != "all":
        conditions.append(a.cancelled_at.is_not(None) if f.cancelled == "cancelled" else a.cancelled_at.is_(None))
    if f.visit_statuses:
        conditions.append(a.visit_status.in_(f.visit_statuses))
    if f.client and (client := client_matches(f.client)) is not None:
        conditions.append(client)
    if f.service_category_ids:
        conditions.append(_has_lines(company_id, LINES.c.category_id.in_(f.service_category_ids)))
    if f.category_ids:
        conditions.append(a.category_id.in_(f.category_ids))
    if f.source != "all":
        conditions.append(a.source.in_(sorted(ONLINE_SOURCES if f.source == "online" else OFFLINE_SOURCES)))
    if f.paid != "all":
        # Paid in full: what payments says is paid covers the whole bill, the service lines (current
        # here) and what else was sold in the visit (payments' copy, sales_total).
        bill_total = a.total_price + a.sales_total
        conditions.append(a.paid_amount >= bill_total if f.paid == "paid_in_full" else a.paid_amount < bill_total)
    if f.services != "all":
        conditions.append(_has_lines(company_id) if f.services == "with" else ~_has_lines(company_id))
    return conditions


def client_matches(term: str):
    """Digits typed as a phone number match inside the stored E.164 phone; anything else matches
    inside the name, ignoring case. None for a term of blanks only."""
    term = term.strip()
    if not term:
        return None
    digits = re.sub(r"[^0-9]", "", term)
    if digits and PHONE_TYPED.fullmatch(term):
        return APPOINTMENTS.c.client_phone.like(f"%{digits}%")
    return func.lower(APPOINTMENTS.c.client_name).like(f"%{_escape_like(term.lower())}%", escape="\\")


def service_lines_statement(company_id: int, appointment_ids: list[int]) -> Select:
    return (
        select(*LINE_COLUMNS)
        .where(LINES.c.company_id == company_id, LINES.c.appointment_id.in_(appointment_ids))
        .order_by(LINES.c.appointment_id, LINES.c.position)
    )


def assemble(rows: Sequence, lines: Sequence, page: PageRequest) -> OverviewPage:
    """The page's rows, each with its service lines, and the cursor of the next page if there is one."""
    shown = rows[: page.limit]
    services = defaultdict(list)
    for line in lines:
        services[line.appointment_id].append(
            {"service_id": line.service_id, "title": line.title, "price": line.price, "quantity": line.quantity,
             "discount": line.discount, "subtotal": line.subtotal, "total": line.total, "category_id": line.category_id}
        )  # fmt: skip
    last = shown[-1] if shown else None
    more = len(rows) > page.limit
    return OverviewPage(
        rows=[_row(row, services[row.id]) for row in shown],
        next_cursor=encode_cursor(page, getattr(last, page.sort), last.id) if more else None,
    )


def encode_cursor(page: PageRequest, value: datetime, appointment_id: int) -> str:
    position = {"sort": page.sort, "direction": page.direction, "after": value.isoformat(), "id": appointment_id}
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, direction: str) -> tuple[datetime, int]:
    """The position a cursor stands for. It must come from a page of the same sort and direction;
    anything else (garbage, edited by hand into nonsense) is InvalidInput on `cursor`."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after, appointment_id = datetime.fromisoformat(position["after"]), position["id"]
        valid = (
            (position["sort"], position["direction"]) == (sort, direction)
            and after.tzinfo is not None
            and type(appointment_id) is int
            and 0 < appointment_id <= MAX_ID
        )
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError):
        valid = False
    if not valid:
        raise InvalidInput.field("cursor", "Not a cursor of this list; start again from the first page.")
    return after, appointment_id


def _has_lines(company_id: int, *conditions):
    return exists().where(
        and_(LINES.c.appointment_id == APPOINTMENTS.c.id, LINES.c.company_id == company_id, *conditions)
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row(row, services: list[dict]) -> dict:
    return {
        "id": row.id,
        "created_at": row.created_at,
        "created_by": {"kind": row.created_by_kind, "id": row.created_by_id},
        "source": row.source,
        "staff_member_id": row.staff_member_id,
        "services": services,
        "client_id": row.client_id,
        "client_name": row.client_name,
        "client_phone": row.client_phone,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "visit_status": row.visit_status,
        "payment_status": payment_status(row.total_price + row.sales_total, row.paid_amount),
        "paid_amount": row.paid_amount,
        "total_price": row.total_price,
        "discount": row.discount,
        "state": state_of(row.cancelled_at, row.deleted_at),
        "deleted_at": row.deleted_at,
        "deleted_by_id": row.deleted_by_id,
        "cancelled_at": row.cancelled_at,
        "category_id": row.category_id,
        "group_event_id": row.group_event_id,
        "comment": row.comment,
    }
