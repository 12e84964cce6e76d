"""Breaks from the calendar: time a staff member is away. A break claims the staff member's time
as an appointment does, so the database refuses a break over an appointment, group event or
another break, and an appointment over a break, even when both are made at the same moment."""

from collections.abc import Callable

from bookings import events, repository
from bookings.domain.commands import AddBreak
from bookings.domain.model import Actor, Break
from bookings.exceptions import NothingToChange, SlotTaken
from bookings.handlers.common import now
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound

GetStaffMember = Callable[[int, int], dict]
"""scheduling.get_staff_member(company_id, staff_member_id)"""


def add_break(uow: UnitOfWork, get_staff_member: GetStaffMember, company_id: int, command: AddBreak) -> Break:
    try:
        get_staff_member(company_id, command.staff_member_id)
    except NotFound:
        raise InvalidInput.field("staff_member_id", "No such staff member.") from None
    break_ = Break(
        company_id=company_id,
        staff_member_id=command.staff_member_id,
        starts_at=command.starts_at,
        ends_at=command.ends_at,
        created_by_id=command.actor.id,
        created_at=now(),
        note=command.note,
    )
    with uow:
        uow.session.add(break_)
        try:
            repository.flush(uow.session)
        except SlotTaken:
            what = repository.what_overlaps(
                uow.session, company_id, command.staff_member_id, command.starts_at, command.ends_at
            )
            message = f"The break overlaps {what} of this staff member."
            raise SlotTaken(message, {"starts_at": [message]}) from None
        uow.record_events([events.break_event(events.BREAK_ADDED, break_)])
        uow.commit()
    return break_


def remove_break(uow: UnitOfWork, company_id: int, break_id: int, actor: Actor) -> Break:
    with uow:
        break_ = repository.get_break(uow.session, company_id, break_id, for_update=True)
        try:
            break_.remove(actor, now())
        except NothingToChange:
            raise NotFound(f"break {break_id} not found") from None
        uow.record_events([events.break_event(events.BREAK_REMOVED, break_)])
        uow.commit()
    return break_


def get_break(uow: UnitOfWork, company_id: int, break_id: int) -> Break:
    with uow:
        return repository.get_break(uow.session, company_id, break_id)
