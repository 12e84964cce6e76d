"""What the bookings use cases share: asking scheduling for quotes, and the clock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bookings.domain.appointments import ONLINE_SOURCES, Quote, checks_working_hours
from bookings.domain.model import ServiceLine
from salon_infra.errors import InvalidInput

QuoteAppointment = Callable[[int, dict], dict]
"""scheduling.quote_appointment(company_id, query) -> {"quotes": [...], "problems": {...}}"""


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class OnlineRules:
    """What the salon's online booking settings ask of a booking made online."""

    sms_confirmation: bool = False
    remember_device: bool = False


def quotes(
    quote_appointment: QuoteAppointment,
    company_id: int,
    *,
    staff_member_ids,
    service_ids,
    starts_at: datetime,
    source: str,
    new_booking: bool = True,
    field: str = "staff_member_ids",
    contact: dict | None = None,
) -> tuple[list[Quote], OnlineRules]:
    """Scheduling's quotes for the candidates (all eligible staff when none are named), and the
    online rules; InvalidInput on `field` with everyone's reason when nobody can take it. With
    `contact` (an online client's), scheduling checks the salon's contact fields in the same call:
    a problem with the comment names `comment`, the others `client.<field>`."""
    query = {
        "staff_member_ids": list(staff_member_ids) if staff_member_ids else None,
        "service_ids": list(service_ids),
        "starts_at": starts_at.isoformat(),
        "enforce_working_hours": checks_working_hours(source),
        "online": source in ONLINE_SOURCES,
        "new_booking": new_booking,
    }
    try:
        answer = quote_appointment(company_id, {**query, "contact": contact} if contact is not None else query)
    except InvalidInput as problem:
        raise (nest_contact_problems(problem) if contact is not None else problem) from None
    if not answer["quotes"]:
        problems = [f"staff member {staff_id}: {reason}" for staff_id, reason in answer["problems"].items()]
        raise InvalidInput("nobody can take this booking", {field: problems or ["nobody performs these services"]})
    rules = OnlineRules(**(answer.get("rules") or {}))
    return [_quote(entry) for entry in answer["quotes"]], rules


CONTACT_FIELDS = ("email", "last_name", "middle_name")


def nest_contact_problems(problem: InvalidInput) -> InvalidInput:
    """Scheduling names the contact fields by themselves; the booking has them under `client`."""
    errors = dict(problem.errors)
    client = {name: errors.pop(name) for name in CONTACT_FIELDS if name in errors}
    return InvalidInput(problem.message, {**errors, **({"client": client} if client else {})})


def catalogue(
    quote_appointment: QuoteAppointment, company_id: int, staff_member_id: int, service_ids, starts_at: datetime
) -> dict[int, ServiceLine]:
    """The services a staff member performs among `service_ids`, as lines to add; a service they
    do not perform, or that does not exist, is left out (the caller names it)."""
    wanted = sorted(set(service_ids))
    if not wanted:
        return {}
    query = {
        "staff_member_ids": [staff_member_id],
        "service_ids": wanted,
        "starts_at": starts_at.isoformat(),
        "enforce_working_hours": False,
        "online": False,
        "new_booking": False,
    }
    try:
        answer = quote_appointment(company_id, query)
    except InvalidInput:  # a service the company does not have
        answer = {"quotes": []}
    if answer["quotes"]:
        return {line.service_id: line for line in _quote(answer["quotes"][0]).services}
    # One of them is not theirs: ask one by one, so the others can still be added.
    found = {}
    for service_id in wanted if len(wanted) > 1 else ():
        found |= catalogue(quote_appointment, company_id, staff_member_id, [service_id], starts_at)
    return found


def _quote(entry: dict) -> Quote:
    return Quote(
        staff_member_id=entry["staff_member_id"],
        starts_at=datetime.fromisoformat(entry["starts_at"]),
        ends_at=datetime.fromisoformat(entry["ends_at"]),
        services=tuple(
            ServiceLine(
                line["service_id"], line["title"], line["duration_minutes"], line["price"],
                category_id=line.get("category_id"),
            )
            for line in entry["services"]
        ),
        prepayment_required=entry.get("prepayment_required", False),
    )  # fmt: skip
