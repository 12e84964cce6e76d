"""Group events: one staff member, one service, several clients, each on a seat of the event.

The database allocates seats: a seat is an appointment of the event, and triggers count the
live ones into the event's `seats_taken`, which a CHECK keeps within its capacity. A race for the
last seats therefore makes exactly as many seats as were free; the others get NoFreeSeat.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from bookings import events, repository
from bookings.domain.appointments import ONLINE_SOURCES, request_fingerprint
from bookings.domain.commands import BookSeat, ChangeGroupEvent, CreateGroupEvent
from bookings.domain.links import sign_link
from bookings.domain.model import Actor, Appointment, GroupEvent
from bookings.exceptions import AppointmentClosed, NothingToChange
from bookings.handlers.appointments import Booked, replay, without_proofs
from bookings.handlers.common import OnlineRules, QuoteAppointment, nest_contact_problems, now, quotes
from bookings.handlers.online_clients import Clients, online_client
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput


@dataclass(frozen=True)
class EventWithSeats:
    event: GroupEvent
    seats: list[Appointment]


def create_group_event(
    uow: UnitOfWork, quote_appointment: QuoteAppointment, company_id: int, command: CreateGroupEvent
) -> GroupEvent:
    [quote], _ = quotes(
        quote_appointment,
        company_id,
        staff_member_ids=[command.staff_member_id],
        service_ids=[command.service_id],
        starts_at=command.starts_at,
        source="admin",
        field="staff_member_id",
    )
    [line] = quote.services
    length = timedelta(minutes=command.length_minutes) if command.length_minutes else quote.ends_at - quote.starts_at
    moment = now()
    event = GroupEvent(
        company_id=company_id,
        staff_member_id=command.staff_member_id,
        service_id=command.service_id,
        service_title=line.title,
        price=line.price,
        starts_at=quote.starts_at,
        ends_at=quote.starts_at,
        capacity=command.capacity,
        created_by_kind=command.created_by.kind,
        created_by_id=command.created_by.id,
        created_at=moment,
        title=command.title,
        category_id=command.category_id,
        comment=command.comment,
    )
    event.move(quote.starts_at, quote.starts_at + length, ())
    with uow:
        repository.require_category(uow.session, company_id, command.category_id)
        uow.session.add(event)
        repository.flush(uow.session)
        uow.record_events([events.group_event_event(events.GROUP_EVENT_CREATED, event)])
        uow.commit()
    return event


def get_group_event(uow: UnitOfWork, company_id: int, event_id: int) -> EventWithSeats:
    with uow:
        event = repository.get_group_event(uow.session, company_id, event_id)
        return EventWithSeats(event, repository.seats_of(uow.session, company_id, [event_id]))


def list_group_events(uow: UnitOfWork, company_id: int, query: dict) -> list[GroupEvent]:
    """Events overlapping the period, for the calendar or (free seats only, not yet started) the widget."""
    with uow:
        found = repository.group_events_between(
            uow.session, company_id, query["period_start"], query["period_end"],
            staff_member_ids=query["staff_member_ids"], service_ids=query["service_ids"],
        )  # fmt: skip
    if query["with_free_seats"]:
        moment = now()
        found = [event for event in found if event.free_seats > 0 and event.starts_at > moment]
    return found


def change_group_event(uow: UnitOfWork, company_id: int, event_id: int, command: ChangeGroupEvent) -> EventWithSeats:
    """Capacity, title, comment, time or length; the seats move with the event."""
    with uow:
        session = uow.session
        event = repository.get_group_event(session, company_id, event_id, for_update=True)
        seats = repository.seats_of(session, company_id, [event_id], for_update=True)
        event.change(capacity=command.capacity, title=command.title, comment=command.comment, clear=command.clear)
        moved = command.starts_at is not None or command.length_minutes is not None
        if moved:
            starts_at = command.starts_at or event.starts_at
            length = timedelta(minutes=command.length_minutes) if command.length_minutes else event.length
            event.move(starts_at, starts_at + length, seats)
        event.touch(now())
        for seat in seats if moved else ():
            seat.touch(event.updated_at)
        repository.flush(session, time_field="starts_at" if command.starts_at else "length_minutes")
        changed = [events.group_event_event(events.GROUP_EVENT_CHANGED, event)]
        changed += [events.appointment_event(events.APPOINTMENT_RESCHEDULED, seat) for seat in seats if moved]
        uow.record_events(changed)
        uow.commit()
    return EventWithSeats(event, seats)


def cancel_group_event(uow: UnitOfWork, company_id: int, event_id: int, actor: Actor, reason=None) -> EventWithSeats:
    """The event and every seat in it; cancelling again changes nothing."""
    with uow:
        session = uow.session
        event = repository.get_group_event(session, company_id, event_id, for_update=True)
        seats = repository.seats_of(session, company_id, [event_id], for_update=True)
        moment = now()
        try:
            cancelled = event.cancel(actor, reason, moment, seats)
        except NothingToChange:
            return EventWithSeats(event, [])
        event.touch(moment)
        for seat in cancelled:
            seat.touch(moment)
        repository.flush(session)
        changed = [events.group_event_event(events.GROUP_EVENT_CANCELLED, event)]
        changed += [events.appointment_event(events.APPOINTMENT_CANCELLED, seat) for seat in cancelled]
        uow.record_events(changed)
        uow.commit()
    return EventWithSeats(event, [])


CheckContact = Callable[[int, dict], dict]
"""scheduling.check_online_contact(company_id, contact) -> the online rules, or InvalidInput"""


def book_seat(
    uow: UnitOfWork,
    link_secret: str,
    company_id: int,
    event_id: int,
    command: BookSeat,
    *,
    clients: Clients | None = None,
    token_secret: str | None = None,
    check_contact: CheckContact | None = None,
) -> Booked:
    """A client's seat; a repeated request with the same idempotency key replays the first answer.
    Online (no client_id), the salon's contact fields and phone confirmation are checked first, and
    only then is the client's card found or created."""
    fingerprint = request_fingerprint(
        {**asdict(command), "idempotency_key": None, "group_event_id": event_id,
         "online_client": without_proofs(command.online_client)}
    )  # fmt: skip
    if command.idempotency_key and (earlier := replay(uow, company_id, command.idempotency_key, fingerprint)):
        return Booked(earlier, sign_link(link_secret, company_id, earlier.id), replayed=True)
    if command.client_id is None:
        with uow:
            _open_to(command.source, repository.get_group_event(uow.session, company_id, event_id))
        client = command.client
        contact = {"comment": command.comment, "email": client.email, "last_name": client.last_name,
                   "middle_name": client.middle_name}  # fmt: skip
        try:
            settings = check_contact(company_id, contact)
        except InvalidInput as problem:
            raise nest_contact_problems(problem) from None
        rules = OnlineRules(settings["sms_confirmation"], settings["remember_device"])
        client_id, client = online_client(clients, token_secret, company_id, client, command.online_client, rules)
        command = replace(command, client_id=client_id, client=client,
                          created_by=command.created_by or Actor("client", client_id))  # fmt: skip
    try:
        with uow:
            seat = _take_seat(uow, company_id, event_id, command, fingerprint)
            link = sign_link(link_secret, company_id, seat.id)
            uow.record_events([events.appointment_event(events.APPOINTMENT_CREATED, seat, link_token=link)])
            uow.commit()
    except IntegrityError:
        # The same key racing in another request won the unique key; replay its seat.
        if command.idempotency_key and (earlier := replay(uow, company_id, command.idempotency_key, fingerprint)):
            return Booked(earlier, sign_link(link_secret, company_id, earlier.id), replayed=True)
        raise
    return Booked(seat, link, replayed=False)


def _open_to(source: str, event: GroupEvent) -> None:
    if source in ONLINE_SOURCES and event.starts_at <= now():
        raise AppointmentClosed("this group event has already started", {"group_event_id": ["Already started."]})


def _take_seat(uow: UnitOfWork, company_id: int, event_id: int, command: BookSeat, fingerprint: str) -> Appointment:
    event = repository.get_group_event(uow.session, company_id, event_id)
    moment = now()
    _open_to(command.source, event)
    client = command.client
    seat = event.seat(
        client_id=command.client_id,
        source=command.source,
        created_by=command.created_by,
        now=moment,
        client_name=client.name if client else None,
        client_phone=client.phone if client else None,
        client_email=client.email if client else None,
        comment=command.comment,
        idempotency_key=command.idempotency_key,
        request_fingerprint=fingerprint,
    )
    uow.session.add(seat)
    repository.flush(uow.session, time_field="group_event_id")
    return seat


def require_seat_of(appointment: Appointment, event_id: int) -> None:
    if appointment.group_event_id != event_id:
        raise InvalidInput.field("appointment_id", "Not a seat of this group event.")
