"""Every query the bookings handlers make, scoped by company, and the translation of the database's
own refusals (models.NO_OVERLAP and the seat rules) into the service's conflicts."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bookings.domain.model import Appointment, AppointmentCategory, Break, GroupEvent
from bookings.exceptions import AppointmentClosed, NoFreeSeat, SlotTaken
from bookings.models import (
    EVENT_CLOSED,
    NO_OVERLAP,
    ONE_SEAT_EACH,
    ONE_SEAT_EACH_ON_SQLITE,
    SEATS_FULL,
    appointments,
    extra_field_definitions,
    group_events,
    staff_time,
)
from salon_infra.errors import Conflict, InvalidInput, NotFound
from salon_infra.extra_fields import FieldDefinition

FAIRNESS_WINDOW = timedelta(hours=12)
KIND_NAMES = {"appointment": "an appointment", "group_event": "a group event", "break": "a break"}


# ---------------------------------------------------------------- writing


DEADLOCK = "40P01"


def flush(session: Session, *, time_field: str = "starts_at") -> None:
    """Write what the session holds; the database's refusals become the service's conflicts,
    naming `time_field` for an overlap. The transaction is rolled back on one.

    Two transactions claiming overlapping time at the same moment can deadlock on PostgreSQL's
    exclusion check (each waits for the other's uncommitted row); PostgreSQL aborts one and the
    other goes on to claim the time, so the one aborted is told the time is taken."""
    try:
        session.flush()
    except IntegrityError as problem:
        session.rollback()
        raise refusal(problem, time_field) from None
    except OperationalError as problem:
        if getattr(problem.orig, "pgcode", None) != DEADLOCK:
            raise
        session.rollback()
        raise refusal_of_overlap(time_field) from None


def refusal(problem: IntegrityError, time_field: str = "starts_at") -> Exception:
    text = str(problem.orig)
    if NO_OVERLAP in text:
        return refusal_of_overlap(time_field)
    if SEATS_FULL in text:
        return NoFreeSeat()
    if EVENT_CLOSED in text:
        return AppointmentClosed("this group event is cancelled", {"group_event_id": ["The event is cancelled."]})
    if ONE_SEAT_EACH in text or ONE_SEAT_EACH_ON_SQLITE in text:
        return Conflict("this client already has a seat", {"client_id": ["Already has a seat in this event."]})
    return problem


def refusal_of_overlap(time_field: str) -> SlotTaken:
    return SlotTaken(errors={time_field: ["That time overlaps another appointment, group event or break."]})


def what_overlaps(session: Session, company_id: int, staff_member_id: int, start: datetime, end: datetime) -> str:
    """What a refused time runs into, in words ("a break"), for the message."""
    kind = session.scalar(
        select(staff_time.c.kind)
        .where(
            staff_time.c.company_id == company_id,
            staff_time.c.staff_member_id == staff_member_id,
            staff_time.c.starts_at < end,
            staff_time.c.ends_at > start,
        )
        .limit(1)
    )
    return KIND_NAMES.get(kind, "another booking")


# ---------------------------------------------------------------- appointments


def get_appointment(session: Session, company_id: int, appointment_id: int, *, for_update=False) -> Appointment:
    statement = select(Appointment).where(Appointment.company_id == company_id, Appointment.id == appointment_id)
    appointment = session.scalar(statement.with_for_update() if for_update else statement)
    if appointment is None:
        raise NotFound(f"appointment {appointment_id} not found")
    return appointment


_BY_KEY = select(Appointment.id, Appointment.request_fingerprint).where(
    Appointment.company_id == bindparam("company_id"), Appointment.idempotency_key == bindparam("key")
)


def appointment_by_key(session: Session, company_id: int, key: str) -> tuple[int, str] | None:
    """(id, request fingerprint) of the booking made with this idempotency key, if any."""
    found = session.execute(_BY_KEY, {"company_id": company_id, "key": key}).first()
    return None if found is None else (found.id, found.request_fingerprint)


def clients_of_staff_member(session: Session, company_id: int, staff_member_id: int, client_ids) -> list[int]:
    """Which of these clients have (or had) an appointment with the staff member, deleted ones aside."""
    if not client_ids:
        return []
    query = (
        select(Appointment.client_id)
        .where(
            Appointment.company_id == company_id,
            Appointment.client_id.in_(sorted(set(client_ids))),
            Appointment.staff_member_id == staff_member_id,
            Appointment.deleted_at.is_(None),
        )
        .distinct()
    )
    return sorted(session.scalars(query))


def appointments_between(
    session: Session, company_id: int, start: datetime, end: datetime, staff_member_ids=None, include_cancelled=False
) -> list[Appointment]:
    """Appointments overlapping [start, end), not deleted, by start time."""
    statement = select(Appointment).where(
        Appointment.company_id == company_id,
        Appointment.starts_at < end,
        Appointment.ends_at > start,
        Appointment.deleted_at.is_(None),
    )
    if not include_cancelled:
        statement = statement.where(Appointment.cancelled_at.is_(None))
    if staff_member_ids:
        statement = statement.where(Appointment.staff_member_id.in_(staff_member_ids))
    return list(session.scalars(statement.order_by(Appointment.starts_at, Appointment.id)))


def appointments_by_ids(session: Session, company_id: int, ids: Sequence[int], *, for_update=False) -> dict:
    statement = (
        select(Appointment)
        .where(Appointment.company_id == company_id, Appointment.id.in_(ids))
        .order_by(Appointment.id)  # one lock order, so two bulk changes cannot deadlock
    )
    return {each.id: each for each in session.scalars(statement.with_for_update() if for_update else statement)}


def bookings_near(session: Session, company_id: int, staff_member_ids, around: datetime) -> dict[int, int]:
    """How many live appointments each staff member has within FAIRNESS_WINDOW of `around`."""
    statement = (
        select(Appointment.staff_member_id, func.count())
        .where(
            Appointment.company_id == company_id,
            Appointment.staff_member_id.in_(staff_member_ids),
            Appointment.starts_at >= around - FAIRNESS_WINDOW,
            Appointment.starts_at < around + FAIRNESS_WINDOW,
            Appointment.cancelled_at.is_(None),
            Appointment.deleted_at.is_(None),
        )
        .group_by(Appointment.staff_member_id)
    )
    return dict(session.execute(statement).all())


# ---------------------------------------------------------------- group events


def get_group_event(session: Session, company_id: int, event_id: int, *, for_update=False) -> GroupEvent:
    statement = select(GroupEvent).where(GroupEvent.company_id == company_id, GroupEvent.id == event_id)
    event = session.scalar(statement.with_for_update() if for_update else statement)
    if event is None:
        raise NotFound(f"group event {event_id} not found")
    return event


def seats_of(session: Session, company_id: int, event_ids: Sequence[int], *, live_only=True, for_update=False):
    """The seats (appointments) of these events, by event then booking order."""
    statement = select(Appointment).where(
        Appointment.company_id == company_id, Appointment.group_event_id.in_(event_ids)
    )
    if live_only:
        statement = statement.where(Appointment.cancelled_at.is_(None), Appointment.deleted_at.is_(None))
    statement = statement.order_by(Appointment.group_event_id, Appointment.id)
    return list(session.scalars(statement.with_for_update() if for_update else statement))


def group_events_between(
    session: Session,
    company_id: int,
    start: datetime,
    end: datetime,
    *,
    staff_member_ids=None,
    service_ids=None,
    include_cancelled=False,
) -> list[GroupEvent]:
    statement = select(GroupEvent).where(
        GroupEvent.company_id == company_id,
        GroupEvent.starts_at < end,
        GroupEvent.ends_at > start,
        GroupEvent.deleted_at.is_(None),
    )
    if not include_cancelled:
        statement = statement.where(GroupEvent.cancelled_at.is_(None))
    if staff_member_ids:
        statement = statement.where(GroupEvent.staff_member_id.in_(staff_member_ids))
    if service_ids:
        statement = statement.where(GroupEvent.service_id.in_(service_ids))
    return list(session.scalars(statement.order_by(GroupEvent.starts_at, GroupEvent.id)))


# ---------------------------------------------------------------- breaks


def get_break(session: Session, company_id: int, break_id: int, *, for_update=False) -> Break:
    statement = select(Break).where(Break.company_id == company_id, Break.id == break_id)
    found = session.scalar(statement.with_for_update() if for_update else statement)
    if found is None:
        raise NotFound(f"break {break_id} not found")
    return found


def breaks_between(session: Session, company_id: int, start: datetime, end: datetime, staff_member_ids=None):
    statement = select(Break).where(
        Break.company_id == company_id,
        Break.removed_at.is_(None),
        Break.starts_at < end,
        Break.ends_at > start,
    )
    if staff_member_ids:
        statement = statement.where(Break.staff_member_id.in_(staff_member_ids))
    return list(session.scalars(statement.order_by(Break.starts_at, Break.id)))


# ---------------------------------------------------------------- categories and extra fields


def categories(session: Session, company_id: int) -> list[AppointmentCategory]:
    statement = select(AppointmentCategory).where(AppointmentCategory.company_id == company_id)
    return list(session.scalars(statement.order_by(AppointmentCategory.title, AppointmentCategory.id)))


def get_category(session: Session, company_id: int, category_id: int) -> AppointmentCategory:
    category = session.scalar(
        select(AppointmentCategory).where(
            AppointmentCategory.company_id == company_id, AppointmentCategory.id == category_id
        )
    )
    if category is None:
        raise NotFound(f"appointment category {category_id} not found")
    return category


def require_category(session: Session, company_id: int, category_id: int | None, field: str = "category_id") -> None:
    """InvalidInput on `field` for a category the company does not have."""
    if category_id is None:
        return
    try:
        get_category(session, company_id, category_id)
    except NotFound:
        raise InvalidInput.field(field, "No such appointment category.") from None


def forget_category(session: Session, company_id: int, category_id: int) -> None:
    """Appointments and events of a deleted category keep no category."""
    for table in (appointments, group_events):
        session.execute(
            update(table)
            .where(table.c.company_id == company_id, table.c.category_id == category_id)
            .values(category_id=None)
        )


_FIELDS = extra_field_definitions


def extra_fields(session: Session, company_id: int) -> list[FieldDefinition]:
    rows = session.execute(
        select(_FIELDS).where(_FIELDS.c.company_id == company_id).order_by(_FIELDS.c.position, _FIELDS.c.id)
    ).all()
    return [FieldDefinition(r.code, r.title, r.type, r.required, tuple(r.options or ()), r.id) for r in rows]


def add_extra_field(session: Session, company_id: int, definition: FieldDefinition) -> FieldDefinition:
    position = session.scalar(select(func.count()).where(_FIELDS.c.company_id == company_id))
    new_id = session.execute(
        _FIELDS.insert()
        .values(company_id=company_id, position=position, **_field_values(definition), code=definition.code)
        .returning(_FIELDS.c.id)
    ).scalar_one()
    return FieldDefinition(definition.code, definition.title, definition.type, definition.required,
                           definition.options, new_id)  # fmt: skip


def replace_extra_field(session: Session, company_id: int, definition: FieldDefinition) -> None:
    session.execute(
        update(_FIELDS)
        .where(_FIELDS.c.company_id == company_id, _FIELDS.c.code == definition.code)
        .values(**_field_values(definition))
    )


def delete_extra_field(session: Session, company_id: int, code: str) -> bool:
    deleted = session.execute(delete(_FIELDS).where(_FIELDS.c.company_id == company_id, _FIELDS.c.code == code))
    return deleted.rowcount > 0


def _field_values(definition: FieldDefinition) -> dict:
    return {"title": definition.title, "type": definition.type, "required": definition.required,
            "options": list(definition.options) or None}  # fmt: skip
