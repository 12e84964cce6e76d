"""Appointments: booking one, editing its service lines and details, its visit status, moving,
cancelling, deleting. Each use case takes a unit of work and commits explicitly.

Whether two bookings of a staff member overlap is decided by the database (models.NO_OVERLAP),
never by a read-then-write check, so concurrent bookings cannot both win.
"""

from dataclasses import asdict, dataclass, replace
from datetime import UTC, timedelta

from sqlalchemy.exc import IntegrityError

from bookings import events, repository
from bookings.domain.appointments import ONLINE_SOURCES, Quote, client_change_problem, fair_order, request_fingerprint
from bookings.domain.commands import (
    Cancel,
    CreateAppointment,
    DeleteAppointments,
    EditAppointment,
    Reschedule,
    SetVisitStatus,
)
from bookings.domain.links import InvalidLink, has_expired, read_link, sign_link
from bookings.domain.model import Actor, Appointment, new_appointment
from bookings.exceptions import ChangesClosed, LinkExpired, NothingToChange, SlotTaken, StaleVersion
from bookings.handlers.common import QuoteAppointment, catalogue, now, quotes
from bookings.handlers.online_clients import Clients, online_client
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound
from salon_infra.extra_fields import check_values


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    link_token: str
    replayed: bool


LINKS_LIVE_AFTER_VISIT = timedelta(days=30)


@dataclass(frozen=True)
class Deletion:
    deleted: list[int]
    skipped: list[dict]  # {"id", "reason"}


def create_appointment(
    uow: UnitOfWork,
    quote_appointment: QuoteAppointment,
    link_secret: str,
    company_id: int,
    command: CreateAppointment,
    *,
    clients: Clients | None = None,
    token_secret: str | None = None,
) -> Booked:
    """Book the first free candidate staff member; replay the earlier result for a known idempotency key.

    An online booking (no client_id) is checked whole first (contact fields, time, phone
    confirmation), and only then is the client's card found or created (see online_clients)."""
    # What the caller asked for, with the instant in UTC: "any specialist" stays "any" however
    # the retry is resolved, and 10:00+01:00 is 09:00Z. A fresh proof of the phone is the same request.
    fingerprint = request_fingerprint(
        {**asdict(command), "idempotency_key": None, "online_client": without_proofs(command.online_client),
         "starts_at": command.starts_at.astimezone(UTC)}
    )  # fmt: skip
    online = command.source in ONLINE_SOURCES
    with uow:  # one read for all the checks that need the database
        if command.idempotency_key and (earlier := earlier_booking(uow, company_id, command.idempotency_key,
                                                                   fingerprint)):  # fmt: skip
            return Booked(earlier, sign_link(link_secret, company_id, earlier.id), replayed=True)
        repository.require_category(uow.session, company_id, command.category_id)
        extra_fields = _checked_extra_fields(uow, company_id, command.extra_fields, {}, required=not online)
    candidates, rules = quotes(
        quote_appointment,
        company_id,
        staff_member_ids=command.staff_member_ids,
        service_ids=command.service_ids,
        starts_at=command.starts_at,
        source=command.source,
        contact=_contact(command) if command.client_id is None and online else None,
    )
    client_id, client = command.client_id, command.client
    if client_id is None:
        client_id, client = online_client(clients, token_secret, company_id, client, command.online_client, rules)
    booking = replace(
        command, client_id=client_id, client=client, created_by=command.created_by or Actor("client", client_id)
    )
    for quote in _least_booked_first(uow, company_id, candidates):
        appointment = _appointment_of(company_id, booking, quote, fingerprint, extra_fields)
        try:
            with uow:
                uow.session.add(appointment)
                repository.flush(uow.session)
                link = sign_link(link_secret, company_id, appointment.id)
                uow.record_events([events.appointment_event(events.APPOINTMENT_CREATED, appointment, link_token=link)])
                uow.commit()
        except SlotTaken:
            continue
        except IntegrityError:
            # The same key racing in another request won the unique key; replay its booking.
            if command.idempotency_key and (earlier := replay(uow, company_id, command.idempotency_key, fingerprint)):
                return Booked(earlier, sign_link(link_secret, company_id, earlier.id), replayed=True)
            raise
        return Booked(appointment, link, replayed=False)
    raise SlotTaken()


def _contact(command: CreateAppointment) -> dict:
    """What an online client typed in, for the salon's required and hidden contact fields."""
    client = command.client
    return {"comment": command.comment, "email": client.email, "last_name": client.last_name,
            "middle_name": client.middle_name}  # fmt: skip


def without_proofs(online) -> dict | None:
    return None if online is None else {**asdict(online), "phone_token": None, "device_token": None}


def _appointment_of(company_id, command: CreateAppointment, quote: Quote, fingerprint, extra_fields) -> Appointment:
    client = command.client
    appointment = new_appointment(
        company_id=company_id,
        client_id=command.client_id,
        staff_member_id=quote.staff_member_id,
        starts_at=quote.starts_at,
        ends_at=quote.ends_at,
        services=[_copy(line) for line in quote.services],
        source=command.source,
        created_by=command.created_by,
        now=now(),
        client_name=client.name if client else None,
        client_phone=client.phone if client else None,
        client_email=client.email if client else None,
        comment=command.comment,
        visit_status=command.visit_status,
        category_id=command.category_id,
        colour=command.colour,
        extra_fields=extra_fields,
        idempotency_key=command.idempotency_key,
        request_fingerprint=fingerprint,
        prepayment_required=quote.prepayment_required,
    )
    if command.length_minutes:
        appointment.change_length(timedelta(minutes=command.length_minutes))
    return appointment


def _copy(line):
    """A fresh line for each candidate tried: a line belongs to one appointment."""
    return type(line)(line.service_id, line.title, line.duration_minutes, line.price, category_id=line.category_id)


def edit_appointment(
    uow: UnitOfWork, quote_appointment: QuoteAppointment, company_id: int, appointment_id: int, command: EditAppointment
) -> Appointment:
    """Change the service lines, the length and what staff note about it, in one transaction and one event."""
    added = [change.service_id for change in command.services or () if change.id is None and change.service_id]
    lines = {}
    if added:
        with uow:
            seen = repository.get_appointment(uow.session, company_id, appointment_id)
            staff_member_id, starts_at = seen.staff_member_id, seen.starts_at
        lines = catalogue(quote_appointment, company_id, staff_member_id, added, starts_at)
    with uow:
        session = uow.session
        appointment = repository.get_appointment(session, company_id, appointment_id, for_update=True)
        if command.version is not None and command.version != appointment.version:
            raise StaleVersion("someone changed this appointment meanwhile; reload it", {"version": ["Reload."]})
        if added and appointment.staff_member_id != staff_member_id:
            raise StaleVersion("the appointment moved to another staff member meanwhile; try again")
        ends_before, changes = appointment.ends_at, []
        if command.services is not None:
            before = [(line.id, line.price, line.quantity, line.discount) for line in appointment.services]
            if appointment.edit_services(command.services, lines) and command.length_minutes is None:
                appointment.fit_length_to_services()
            if before != [(line.id, line.price, line.quantity, line.discount) for line in appointment.services]:
                changes.append("services")
        if command.length_minutes is not None:
            appointment.change_length(timedelta(minutes=command.length_minutes))
        if appointment.ends_at != ends_before:
            changes.append("length")
        if _describes(command):
            repository.require_category(session, company_id, command.category_id)
            extra_fields = None
            if command.extra_fields is not None:
                extra_fields = _checked_extra_fields(uow, company_id, command.extra_fields, appointment.extra_fields)
            appointment.describe(
                comment=command.comment, category_id=command.category_id, colour=command.colour,
                extra_fields=extra_fields, clear=command.clear,
            )  # fmt: skip
            changes.append("details")
        if not changes:
            return appointment
        appointment.touch(now())
        repository.flush(session, time_field="length_minutes")
        uow.record_events([events.appointment_event(events.APPOINTMENT_CHANGED, appointment, changes=changes)])
        uow.commit()
    return appointment


def _describes(command: EditAppointment) -> bool:
    return any(value is not None for value in (command.comment, command.category_id, command.colour,
                                               command.extra_fields)) or bool(command.clear)  # fmt: skip


def set_visit_status(uow: UnitOfWork, company_id: int, appointment_id: int, command: SetVisitStatus) -> Appointment:
    with uow:
        appointment = repository.get_appointment(uow.session, company_id, appointment_id, for_update=True)
        try:
            appointment.set_visit_status(command.visit_status, command.actor, now())
        except NothingToChange:
            return appointment
        appointment.touch(now())
        uow.record_events([events.appointment_event(events.APPOINTMENT_CHANGED, appointment, changes=["visit_status"])])
        uow.commit()
    return appointment


def reschedule_appointment(
    uow: UnitOfWork,
    quote_appointment: QuoteAppointment,
    link_secret: str,
    company_id: int,
    appointment_id: int,
    command: Reschedule,
) -> Appointment:
    with uow:
        current = repository.get_appointment(uow.session, company_id, appointment_id)
        current.require_movable()
        service_ids, length = current.service_ids, current.length
        staff_member_id = command.staff_member_id or current.staff_member_id
    [quote] = quotes(
        quote_appointment,
        company_id,
        staff_member_ids=[staff_member_id],
        service_ids=service_ids,
        starts_at=command.starts_at,
        source=command.source,
        new_booking=False,
        field="starts_at",
    )[0] if service_ids else [Quote(staff_member_id, command.starts_at, command.starts_at + length, ())]  # fmt: skip
    with uow:
        appointment = repository.get_appointment(uow.session, company_id, appointment_id, for_update=True)
        durations = {line.service_id: line.duration_minutes for line in quote.services}
        # A length staff set by hand moves with the appointment; otherwise it is what the services take there.
        ends_at = quote.starts_at + appointment.length if appointment.has_own_length else quote.ends_at
        appointment.move(quote.staff_member_id, quote.starts_at, ends_at, durations)
        appointment.touch(now())
        repository.flush(uow.session)
        link = sign_link(link_secret, company_id, appointment.id)
        uow.record_events([events.appointment_event(events.APPOINTMENT_RESCHEDULED, appointment, link_token=link)])
        uow.commit()
    return appointment


def cancel_appointment(uow: UnitOfWork, company_id: int, appointment_id: int, command: Cancel) -> Appointment:
    """Cancel a booking (a seat gives its place back). Cancelling one already cancelled changes nothing."""
    with uow:
        appointment = repository.get_appointment(uow.session, company_id, appointment_id, for_update=True)
        try:
            appointment.cancel(command.actor, command.reason, now())
        except NothingToChange:
            return appointment
        appointment.touch(now())
        uow.record_events([events.appointment_event(events.APPOINTMENT_CANCELLED, appointment)])
        uow.commit()
    return appointment


def check_client_change(appointment: Appointment, cutoff_minutes: int) -> None:
    """ChangesClosed once the salon's cutoff before the start has passed."""
    appointment.require_live()
    problem = client_change_problem(appointment.starts_at, now(), cutoff_minutes)
    if problem:
        raise ChangesClosed(problem)


def get_appointment(uow: UnitOfWork, company_id: int, appointment_id: int) -> Appointment:
    with uow:
        return repository.get_appointment(uow.session, company_id, appointment_id)


def list_appointments(uow: UnitOfWork, company_id: int, query: dict) -> list[Appointment]:
    """Appointments overlapping [period_start, period_end), for the staff calendar."""
    with uow:
        return repository.appointments_between(
            uow.session, company_id, query["period_start"], query["period_end"],
            query["staff_member_ids"], query["include_cancelled"],
        )  # fmt: skip


def delete_appointments(uow: UnitOfWork, company_id: int, command: DeleteAppointments) -> Deletion:
    """Delete bookings for good, in one transaction: they leave the calendar and stay in the
    overview marked deleted. Those the user may not delete, or that are already deleted or
    unknown, are skipped with the reason."""
    wanted = list(dict.fromkeys(command.appointment_ids))
    deleted, skipped, changed = [], [], []
    with uow:
        found = repository.appointments_by_ids(uow.session, company_id, wanted, for_update=True)
        moment = now()
        for appointment_id in wanted:
            appointment = found.get(appointment_id)
            reason = "not found" if appointment is None else appointment.deletion_problem(
                may_delete_paid=command.may_delete_paid, may_delete_arrived=command.may_delete_arrived
            )  # fmt: skip
            if reason:
                skipped.append({"id": appointment_id, "reason": reason})
                continue
            appointment.delete(command.actor, moment)
            appointment.touch(moment)
            changed.append(events.appointment_event(events.APPOINTMENT_DELETED, appointment))
            deleted.append(appointment_id)
        uow.record_events(changed)
        uow.commit()
    return Deletion(deleted, skipped)


def appointment_by_link(
    uow: UnitOfWork, link_secret: str, token: str, lives_after_visit: timedelta = LINKS_LIVE_AFTER_VISIT
) -> Appointment:
    """The appointment a client's link names; LinkExpired once its visit ended longer ago than
    links live, NotFound for a link we never signed."""
    try:
        company_id, appointment_id = read_link(link_secret, token)
    except InvalidLink:
        raise NotFound("booking link not found") from None
    appointment = get_appointment(uow, company_id, appointment_id)
    if has_expired(appointment.ends_at, now(), lives_after_visit):
        raise LinkExpired("this booking link has expired")
    return appointment


def replay(uow: UnitOfWork, company_id: int, key: str, fingerprint: str) -> Appointment | None:
    """The booking made earlier with this idempotency key, if any (usually none: a cheap lookup)."""
    with uow:
        return earlier_booking(uow, company_id, key, fingerprint)


def earlier_booking(uow: UnitOfWork, company_id: int, key: str, fingerprint: str) -> Appointment | None:
    """As replay, in the caller's unit of work."""
    earlier = repository.appointment_by_key(uow.session, company_id, key)
    if earlier is None:
        return None
    earlier_id, earlier_fingerprint = earlier
    if earlier_fingerprint != fingerprint:
        raise InvalidInput.field("idempotency_key", "was already used for a different booking")
    return repository.get_appointment(uow.session, company_id, earlier_id)


def _least_booked_first(uow: UnitOfWork, company_id: int, candidates: list[Quote]) -> list[Quote]:
    if len(candidates) == 1:
        return candidates
    by_staff = {quote.staff_member_id: quote for quote in candidates}
    with uow:
        booked = repository.bookings_near(uow.session, company_id, list(by_staff), candidates[0].starts_at)
    return [by_staff[staff_id] for staff_id in fair_order(list(by_staff), booked)]


def _checked_extra_fields(uow: UnitOfWork, company_id: int, values: dict, current: dict, required=True) -> dict:
    """The values after the change, checked; online bookings need not fill in staff's required fields."""
    definitions = repository.extra_fields(uow.session, company_id)
    if not values and not definitions:
        return dict(current)
    merged, problems = check_values(definitions, values, current, enforce_required=required)
    if problems:
        raise InvalidInput(f"invalid extra_fields: {', '.join(sorted(problems))}", {"extra_fields": problems})
    return merged
