"""The bookings service's use cases. Each takes a unit of work and commits explicitly.

Whether two appointments overlap is decided by the database (see models.NO_OVERLAP),
never by a read-then-write check, so concurrent bookings cannot both win.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from bookings import overview
from bookings.domain.appointments import (
    BOOKED,
    CANCELLED,
    ONLINE_SOURCES,
    Quote,
    ServiceLine,
    checks_working_hours,
    client_change_problem,
    deletion_problem,
    fair_order,
    refund_on_cancel,
    request_fingerprint,
)
from bookings.domain.links import InvalidLink, read_link, sign_link
from bookings.exceptions import AppointmentClosed, ChangesClosed, SlotTaken
from bookings.models import NO_OVERLAP, Appointment, AppointmentService
from bookings.schemas import AppointmentEventSchema
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound

# scheduling.quote_appointment(company_id, query) -> {"quotes": [...], "problems": {...}}
QuoteAppointment = Callable[[int, dict], dict]

EVENT = AppointmentEventSchema()
FAIRNESS_WINDOW = timedelta(hours=12)


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    link_token: str
    replayed: bool


@dataclass(frozen=True)
class Deletion:
    deleted: list[int]
    skipped: list[dict]  # {"id", "reason"}


def create_appointment(
    uow: UnitOfWork, quote_appointment: QuoteAppointment, link_secret: str, company_id: int, command: dict
) -> Booked:
    """Book the first free candidate staff member; replay the earlier result for a known idempotency key."""
    key = command["idempotency_key"]
    # What the caller asked for, with the instant in UTC: "any specialist" stays "any" however
    # the retry is resolved, and 10:00+01:00 is 09:00Z.
    fingerprint = request_fingerprint(
        {**command, "idempotency_key": None, "starts_at": command["starts_at"].astimezone(UTC)}
    )
    if key and (earlier := _replay(uow, company_id, key, fingerprint)):
        return Booked(earlier, sign_link(link_secret, company_id, earlier.id), replayed=True)

    quotes = _quotes(quote_appointment, company_id, command)
    for quote in _least_booked_first(uow, company_id, quotes):
        try:
            appointment = _insert(uow, company_id, command, quote, fingerprint, link_secret)
        except IntegrityError as problem:
            # The same key racing in another request wins either constraint; replay its booking.
            if key and (earlier := _replay(uow, company_id, key, fingerprint)):
                return Booked(earlier, sign_link(link_secret, company_id, earlier.id), replayed=True)
            if NO_OVERLAP not in str(problem.orig):
                raise
            continue
        return Booked(appointment, sign_link(link_secret, company_id, appointment.id), replayed=False)
    raise SlotTaken()


def reschedule_appointment(
    uow: UnitOfWork,
    quote_appointment: QuoteAppointment,
    link_secret: str,
    company_id: int,
    appointment_id: int,
    command: dict,
) -> Appointment:
    with uow:
        current = _live(_get(uow, company_id, appointment_id))
        service_ids = [line.service_id for line in current.services]
        staff_member_id = command["staff_member_id"] or current.staff_member_id
    [quote] = _quotes(
        quote_appointment,
        company_id,
        {"staff_member_ids": [staff_member_id], "service_ids": service_ids, **command},
        field="starts_at",
        new_booking=False,
    )
    with uow:
        appointment = _live(_get(uow, company_id, appointment_id, for_update=True))
        appointment.staff_member_id, appointment.starts_at, appointment.ends_at = (
            quote.staff_member_id,
            quote.starts_at,
            quote.ends_at,
        )
        durations = {line.service_id: line.duration_minutes for line in quote.services}
        for line in appointment.services:
            line.duration_minutes = durations[line.service_id]
        _touch(appointment)
        try:
            uow.session.flush()
        except IntegrityError as problem:
            raise _as_conflict(problem) from None
        _record(uow, "appointment_rescheduled", appointment, sign_link(link_secret, company_id, appointment.id))
        uow.commit()
    return appointment


def cancel_appointment(
    uow: UnitOfWork, company_id: int, appointment_id: int, actor: dict, reason: str | None = None
) -> Appointment:
    """Cancel a booking. Cancelling one already cancelled changes nothing."""
    with uow:
        appointment = _get(uow, company_id, appointment_id, for_update=True)
        if appointment.state == CANCELLED:
            return appointment
        _live(appointment)
        appointment.cancelled_at = datetime.now(UTC)
        appointment.cancelled_by_kind, appointment.cancelled_by_id = actor["kind"], actor["id"]
        appointment.cancel_reason = reason
        appointment.refund_status = refund_on_cancel(appointment.paid_amount)
        _touch(appointment)
        _record(uow, "appointment_cancelled", appointment)
        uow.commit()
    return appointment


def check_client_change(appointment: Appointment, cutoff_minutes: int) -> None:
    """ChangesClosed once the salon's cutoff before the start has passed."""
    _live(appointment)
    problem = client_change_problem(appointment.starts_at, datetime.now(UTC), cutoff_minutes)
    if problem:
        raise ChangesClosed(problem)


def record_payment(uow: UnitOfWork, company_id: int, appointment_id: int, amount: int) -> Appointment:
    """Money taken for a booking (by hand for now; the payments service will report it later)."""
    with uow:
        appointment = _get(uow, company_id, appointment_id, for_update=True)
        if appointment.deleted_at is not None:
            raise AppointmentClosed(f"appointment {appointment_id} is deleted")
        due = appointment.total_price - appointment.paid_amount
        if amount > due:
            raise InvalidInput.field("amount", f"Only {due} is still due.")
        appointment.paid_amount += amount
        _touch(appointment)
        uow.commit()
    return appointment


def get_appointment(uow: UnitOfWork, company_id: int, appointment_id: int) -> Appointment:
    with uow:
        return _get(uow, company_id, appointment_id)


def list_appointments(uow: UnitOfWork, company_id: int, query: dict) -> list[Appointment]:
    """Appointments overlapping [period_start, period_end), for the staff calendar."""
    statement = select(Appointment).where(
        Appointment.company_id == company_id,
        Appointment.starts_at < query["period_end"],
        Appointment.ends_at > query["period_start"],
        Appointment.deleted_at.is_(None),
    )
    if not query["include_cancelled"]:
        statement = statement.where(Appointment.cancelled_at.is_(None))
    if query["staff_member_ids"]:
        statement = statement.where(Appointment.staff_member_id.in_(query["staff_member_ids"]))
    with uow:
        return list(uow.session.scalars(statement.order_by(Appointment.starts_at, Appointment.id)))


def list_overview(uow: UnitOfWork, company_id: int, query: dict) -> overview.OverviewPage:
    """Overview > Bookings: a page of every booking, deleted ones included (see bookings.overview)."""
    filters, page = overview.request_from(query)
    with uow:
        rows = uow.session.execute(overview.page_statement(company_id, filters, page)).all()
        shown = [row.id for row in rows[: page.limit]]
        lines = uow.session.execute(overview.service_lines_statement(company_id, shown)).all() if shown else []
    return overview.assemble(rows, lines, page)


def delete_appointments(uow: UnitOfWork, company_id: int, command: dict) -> Deletion:
    """Delete bookings for good, in one transaction: they leave the calendar and stay in the
    overview marked deleted. Those the user may not delete, or that are already deleted or
    unknown, are skipped with the reason."""
    wanted = list(dict.fromkeys(command["appointment_ids"]))
    deleted, skipped = [], []
    with uow:
        statement = (
            select(Appointment)
            .where(Appointment.company_id == company_id, Appointment.id.in_(wanted))
            .order_by(Appointment.id)  # one lock order, so two bulk deletes cannot deadlock
            .with_for_update()
        )
        found = {appointment.id: appointment for appointment in uow.session.scalars(statement)}
        now = datetime.now(UTC)
        for appointment_id in wanted:
            appointment = found.get(appointment_id)
            reason = deletion_problem(
                appointment,
                may_delete_paid=command["may_delete_paid"],
                may_delete_arrived=command["may_delete_arrived"],
            )
            if reason:
                skipped.append({"id": appointment_id, "reason": reason})
                continue
            appointment.deleted_at, appointment.deleted_by_id = now, command["actor"]["id"]
            _touch(appointment)
            _record(uow, "appointment_deleted", appointment)
            deleted.append(appointment_id)
        uow.commit()
    return Deletion(deleted, skipped)


def appointment_by_link(uow: UnitOfWork, link_secret: str, token: str) -> Appointment:
    try:
        company_id, appointment_id = read_link(link_secret, token)
    except InvalidLink:
        raise NotFound("booking link not found") from None
    return get_appointment(uow, company_id, appointment_id)


# ---------------------------------------------------------------- internals


def _quotes(
    quote_appointment: QuoteAppointment,
    company_id: int,
    command: dict,
    field: str = "staff_member_ids",
    new_booking: bool = True,
) -> list[Quote]:
    """Scheduling's quotes for the candidates (all eligible staff when none are named);
    InvalidInput on `field` with everyone's reason when nobody can take it."""
    answer = quote_appointment(
        company_id,
        {
            "staff_member_ids": command["staff_member_ids"],
            "service_ids": command["service_ids"],
            "starts_at": command["starts_at"].isoformat(),
            "enforce_working_hours": checks_working_hours(command["source"]),
            "online": command["source"] in ONLINE_SOURCES,
            "new_booking": new_booking,
        },
    )
    if not answer["quotes"]:
        problems = [f"staff member {staff_id}: {reason}" for staff_id, reason in answer["problems"].items()]
        raise InvalidInput("nobody can take this booking", {field: problems or ["nobody performs these services"]})
    return [_quote(entry) for entry in answer["quotes"]]


def _quote(entry: dict) -> Quote:
    return Quote(
        staff_member_id=entry["staff_member_id"],
        starts_at=datetime.fromisoformat(entry["starts_at"]),
        ends_at=datetime.fromisoformat(entry["ends_at"]),
        services=tuple(
            ServiceLine(
                line["service_id"], line["title"], line["duration_minutes"], line["price"], line.get("category_id")
            )
            for line in entry["services"]
        ),
        prepayment_required=entry.get("prepayment_required", False),
    )


def _least_booked_first(uow: UnitOfWork, company_id: int, quotes: list[Quote]) -> list[Quote]:
    if len(quotes) == 1:
        return quotes
    by_staff = {quote.staff_member_id: quote for quote in quotes}
    around = quotes[0].starts_at
    statement = (
        select(Appointment.staff_member_id, func.count())
        .where(
            Appointment.company_id == company_id,
            Appointment.staff_member_id.in_(by_staff),
            Appointment.starts_at >= around - FAIRNESS_WINDOW,
            Appointment.starts_at < around + FAIRNESS_WINDOW,
            Appointment.cancelled_at.is_(None),
            Appointment.deleted_at.is_(None),
        )
        .group_by(Appointment.staff_member_id)
    )
    with uow:
        booked = {staff_member_id: count for staff_member_id, count in uow.session.execute(statement)}
    return [by_staff[staff_id] for staff_id in fair_order(list(by_staff), booked)]


def _insert(
    uow: UnitOfWork, company_id: int, command: dict, quote: Quote, fingerprint: str, link_secret: str
) -> Appointment:
    now = datetime.now(UTC)
    client = command.get("client") or {}
    with uow:
        appointment = Appointment(
            company_id=company_id,
            client_id=command["client_id"],
            client_name=client.get("name"),
            client_phone=client.get("phone"),
            booking_category=command.get("booking_category"),
            staff_member_id=quote.staff_member_id,
            starts_at=quote.starts_at,
            ends_at=quote.ends_at,
            comment=command["comment"],
            source=command["source"],
            created_by_kind=command["created_by"]["kind"],
            created_by_id=command["created_by"]["id"],
            visit_status=command["visit_status"],
            idempotency_key=command["idempotency_key"],
            request_fingerprint=fingerprint,
            prepayment_required=quote.prepayment_required,
            total_price=sum(line.price for line in quote.services),
            paid_amount=0,
            version=1,
            created_at=now,
            updated_at=now,
            services=[
                AppointmentService(
                    company_id=company_id,
                    service_id=line.service_id,
                    title=line.title,
                    duration_minutes=line.duration_minutes,
                    price=line.price,
                    category_id=line.category_id,
                    position=position,
                )
                for position, line in enumerate(quote.services)
            ],
        )
        uow.session.add(appointment)
        uow.session.flush()
        _record(uow, "appointment_created", appointment, sign_link(link_secret, company_id, appointment.id))
        uow.commit()
    return appointment


_EARLIER = select(Appointment.id, Appointment.request_fingerprint).where(
    Appointment.company_id == bindparam("company_id"), Appointment.idempotency_key == bindparam("key")
)


def _replay(uow: UnitOfWork, company_id: int, key: str, fingerprint: str) -> Appointment | None:
    """The booking made earlier with this idempotency key, if any (usually none: a cheap lookup)."""
    with uow:
        earlier = uow.session.execute(_EARLIER, {"company_id": company_id, "key": key}).first()
        if earlier is None:
            return None
        if earlier.request_fingerprint != fingerprint:
            raise InvalidInput.field("idempotency_key", "was already used for a different booking")
        return _get(uow, company_id, earlier.id)


def _get(uow: UnitOfWork, company_id: int, appointment_id: int, *, for_update: bool = False) -> Appointment:
    statement = select(Appointment).where(Appointment.company_id == company_id, Appointment.id == appointment_id)
    appointment = uow.session.scalar(statement.with_for_update() if for_update else statement)
    if appointment is None:
        raise NotFound(f"appointment {appointment_id} not found")
    return appointment


def _live(appointment: Appointment) -> Appointment:
    if appointment.state != BOOKED:
        raise AppointmentClosed(f"appointment {appointment.id} is {appointment.state}")
    return appointment


def _touch(appointment: Appointment) -> None:
    appointment.version += 1
    appointment.updated_at = datetime.now(UTC)


def _record(uow: UnitOfWork, event_type: str, appointment: Appointment, link_token: str | None = None) -> None:
    """The event, with the client's link when the change is one the client should hear of with it."""
    data = {"appointment": EVENT.dump(appointment)}
    if link_token:
        data["link_token"] = link_token
    uow.record_event(event_type, appointment.company_id, data)


def _as_conflict(problem: IntegrityError) -> Exception:
    return SlotTaken() if NO_OVERLAP in str(problem.orig) else problem
