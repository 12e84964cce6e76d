"""Responses composed from more than one service, with times in the salon's local offset."""

from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
from flask import Response, current_app

from gateway.remote import remote

TIME_FIELDS = (
    "starts_at", "ends_at", "cancelled_at", "deleted_at", "created_at", "updated_at", "finished_at",
    "visit_status_changed_at",
)  # fmt: skip


def public_booking(appointment: dict, company: dict) -> dict:
    """A booking as its client sees it, with the staff member's name and the salon."""
    staff_member = remote().staff_member(company["id"], appointment["staff_member_id"])
    return {**in_local_time(appointment, company["timezone"]), "staff_member": staff_member, "company": company}


def staff_view(company_id: int, appointments: list[dict]) -> list[dict]:
    """Appointments for the calendar: local times, and each client's card, fetched in one call for all."""
    timezone = remote().companies.get(company_id)["timezone"]
    client_ids = sorted({appointment["client_id"] for appointment in appointments})
    cards = {card["id"]: card for card in remote().clients.get_clients(company_id, client_ids)} if client_ids else {}
    return [
        {**in_local_time(appointment, timezone), "client": cards.get(appointment["client_id"])}
        for appointment in appointments
    ]


def in_local_time(appointment: dict, timezone: str) -> dict:
    zone = ZoneInfo(timezone)
    local = {name: _local(appointment.get(name), zone) for name in TIME_FIELDS if name in appointment}
    return {**appointment, **local}


def _local(value: str | None, zone: ZoneInfo) -> str | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(zone).isoformat()


def as_built(answer: dict, status: int = 200) -> Response:
    """A service's answer sent as it is: for large answers the service already built to the
    documented schema (slot search), where dumping it again would cost more than the search."""
    return current_app.response_class(orjson.dumps(answer), status, mimetype="application/json")
