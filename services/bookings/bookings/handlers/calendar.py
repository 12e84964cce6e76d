"""What the staff calendar shows of a period: appointments (seats inside their group events),
group events with their seats, and breaks."""

from dataclasses import dataclass

from bookings import repository
from bookings.domain.model import Appointment, Break, GroupEvent
from salon_infra.database import UnitOfWork


@dataclass(frozen=True)
class CalendarPeriod:
    appointments: list[Appointment]  # not seats
    group_events: list[GroupEvent]
    seats: dict[int, list[Appointment]]  # by group event
    breaks: list[Break]


def calendar(uow: UnitOfWork, company_id: int, query: dict) -> CalendarPeriod:
    start, end, staff = query["period_start"], query["period_end"], query["staff_member_ids"]
    with uow:
        session = uow.session
        found = repository.appointments_between(session, company_id, start, end, staff)
        group_events = repository.group_events_between(session, company_id, start, end, staff_member_ids=staff)
        breaks = repository.breaks_between(session, company_id, start, end, staff)
    seats: dict[int, list[Appointment]] = {event.id: [] for event in group_events}
    appointments = []
    for appointment in found:
        if appointment.group_event_id is None:
            appointments.append(appointment)
        elif appointment.group_event_id in seats:
            seats[appointment.group_event_id].append(appointment)
    return CalendarPeriod(appointments, group_events, seats, breaks)
