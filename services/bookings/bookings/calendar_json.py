"""The calendar's answer, read with SQLAlchemy Core and built as JSON directly: the day view of a salon
(20 staff members, 200 appointments) is on the hot path, and ORM objects dumped by marshmallow cost
several times the queries. Times are written in the salon's time zone. An appointment is what its
block shows (APPOINTMENT_FIELDS of schemas.AppointmentSchema, lines with LINE_FIELDS); group events,
seats and breaks are whole, as GroupEventSchema, SeatSchema and BreakSchema dump them (a test holds
them equal)."""

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select

from bookings.domain.model import BOOKED, state_of
from bookings.domain.pricing import due, payment_status
from bookings.models import appointment_services, appointments, breaks, group_events

_A, _L, _E, _B = appointments.c, appointment_services.c, group_events.c, breaks.c
_COMPANY, _START, _END = bindparam("company_id"), bindparam("start"), bindparam("end")

# What a block of the calendar shows; the visit window reads the whole appointment (get_appointment).
_APPOINTMENT_COLUMNS = [
    _A.id, _A.client_id, _A.client_name, _A.client_phone, _A.staff_member_id, _A.starts_at, _A.ends_at,
    _A.category_id, _A.colour, _A.extra_fields, _A.group_event_id, _A.total_price, _A.discount, _A.paid_amount,
    _A.sales_total, _A.comment, _A.source, _A.created_by_kind, _A.created_by_id, _A.visit_status, _A.version,
]  # fmt: skip
APPOINTMENT_FIELDS = (
    "id", "client_id", "client_name", "client_phone", "staff_member_id", "starts_at", "ends_at", "services",
    "category_id", "colour", "extra_fields", "group_event_id", "total_price", "discount", "due", "paid_amount",
    "payment_status", "comment", "source", "created_by", "visit_status", "state", "version",
)  # fmt: skip
_LINE_COLUMNS = [_L.appointment_id, _L.id, _L.service_id, _L.title, _L.duration_minutes, _L.price, _L.quantity,
                 _L.discount, _L.total]  # fmt: skip
LINE_FIELDS = ("id", "service_id", "title", "duration_minutes", "price", "quantity", "discount", "total")


def calendar_json(session, company_id: int, start: datetime, end: datetime, staff_member_ids, timezone: str) -> dict:
    """{appointments (not seats), group_events (each with its seats), breaks} overlapping [start, end)."""
    tz = ZoneInfo(timezone)
    window = {"company_id": company_id, "start": start, "end": end}
    found = session.execute(_filtered(_APPOINTMENTS, _A, staff_member_ids), window).all()
    lines = defaultdict(list)
    if found:
        for line in session.execute(_filtered(_LINES, _A, staff_member_ids), window):
            lines[line.appointment_id].append(_line(line))
    events = session.execute(_filtered(_GROUP_EVENTS, _E, staff_member_ids), window).all()
    seats = defaultdict(list)
    booked = []
    for row in found:
        if row.group_event_id is None:
            booked.append(_appointment(row, lines[row.id], tz))  # live: the query leaves out the others
        else:
            seats[row.group_event_id].append(_seat(row))
    return {
        "appointments": booked,
        "group_events": [_group_event(event, seats[event.id], tz) for event in events],
        "breaks": [_break(row, tz) for row in session.execute(_filtered(_BREAKS, _B, staff_member_ids), window)],
    }


_APPOINTMENTS = (
    select(*_APPOINTMENT_COLUMNS)
    .where(_A.company_id == _COMPANY, _A.starts_at < _END, _A.ends_at > _START)
    .where(_A.cancelled_at.is_(None), _A.deleted_at.is_(None))
    .order_by(_A.starts_at, _A.id)
)
_LINES = (
    select(*_LINE_COLUMNS)
    .join(appointments, _A.id == _L.appointment_id)
    .where(_L.company_id == _COMPANY, _A.company_id == _COMPANY, _A.starts_at < _END, _A.ends_at > _START)
    .where(_A.cancelled_at.is_(None), _A.deleted_at.is_(None))
    .order_by(_L.appointment_id, _L.position)
)
_GROUP_EVENTS = (
    select(group_events)
    .where(_E.company_id == _COMPANY, _E.starts_at < _END, _E.ends_at > _START)
    .where(_E.cancelled_at.is_(None), _E.deleted_at.is_(None))
    .order_by(_E.starts_at, _E.id)
)
_BREAKS = (
    select(breaks)
    .where(_B.company_id == _COMPANY, _B.starts_at < _END, _B.ends_at > _START, _B.removed_at.is_(None))
    .order_by(_B.starts_at, _B.id)
)


def _filtered(statement, columns, staff_member_ids):
    return statement.where(columns.staff_member_id.in_(staff_member_ids)) if staff_member_ids else statement


def _at(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(tz).isoformat()


def _line(line) -> dict:
    _, line_id, service_id, title, minutes, price, quantity, discount, total = line
    return {"id": line_id, "service_id": service_id, "title": title, "duration_minutes": minutes, "price": price,
            "quantity": quantity, "discount": discount, "total": total}  # fmt: skip


def _appointment(row, lines: list[dict], tz: ZoneInfo) -> dict:
    appointment_id, client_id, client_name, client_phone, staff_member_id, starts_at, ends_at, *rest = row
    category_id, colour, extra_fields, group_event_id, total_price, discount, paid_amount, sales_total, *rest = rest
    comment, source, created_by_kind, created_by_id, visit_status, version = rest
    return {
        "id": appointment_id, "client_id": client_id, "client_name": client_name, "client_phone": client_phone,
        "staff_member_id": staff_member_id, "starts_at": starts_at.astimezone(tz).isoformat(),
        "ends_at": ends_at.astimezone(tz).isoformat(), "services": lines, "category_id": category_id,
        "colour": colour, "extra_fields": extra_fields or {}, "group_event_id": group_event_id,
        "total_price": total_price, "discount": discount, "due": due(total_price + sales_total, paid_amount),
        "paid_amount": paid_amount, "payment_status": payment_status(total_price + sales_total, paid_amount),
        "comment": comment,
        "source": source, "created_by": {"kind": created_by_kind, "id": created_by_id},
        "visit_status": visit_status, "state": BOOKED, "version": version,
    }  # fmt: skip


def _seat(row) -> dict:
    return {"appointment_id": row.id, "client_id": row.client_id, "client_name": row.client_name,
            "client_phone": row.client_phone, "visit_status": row.visit_status, "paid_amount": row.paid_amount,
            "total_price": row.total_price}  # fmt: skip


def _group_event(event, seats: list[dict], tz: ZoneInfo) -> dict:
    return {
        "id": event.id, "company_id": event.company_id, "staff_member_id": event.staff_member_id,
        "service_id": event.service_id, "service_title": event.service_title, "title": event.title,
        "name": event.title or event.service_title, "price": event.price, "category_id": event.category_id,
        "comment": event.comment, "starts_at": _at(event.starts_at, tz), "ends_at": _at(event.ends_at, tz),
        "capacity": event.capacity, "seats_taken": event.seats_taken,
        "free_seats": max(event.capacity - event.seats_taken, 0),
        "state": state_of(event.cancelled_at, event.deleted_at),
        "version": event.version, "created_at": _at(event.created_at, tz), "seats": seats,
    }  # fmt: skip


def _break(row, tz: ZoneInfo) -> dict:
    return {"id": row.id, "staff_member_id": row.staff_member_id, "starts_at": _at(row.starts_at, tz),
            "ends_at": _at(row.ends_at, tz), "note": row.note, "state": "removed" if row.removed_at else "active",
            "created_by_id": row.created_by_id, "version": row.version}  # fmt: skip
