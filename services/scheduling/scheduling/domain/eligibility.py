"""Who may be booked for a set of services, for how long, and at what price."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from scheduling.domain.online_booking import NO_OVERRIDE, NO_PREPAYMENT, TimingOverride


@dataclass(frozen=True)
class BookableService:
    service_id: int
    title: str
    duration_minutes: int
    price_min: int
    active: bool
    bookable_online: bool
    prepayment: str = NO_PREPAYMENT
    timing: TimingOverride = NO_OVERRIDE
    category_id: int | None = None
    group_capacity: int | None = None  # a group service's default seats; None for an individual one

    @property
    def is_group_service(self) -> bool:
        return self.group_capacity is not None


@dataclass(frozen=True)
class Performer:
    """A staff member with the services they perform: service id -> their own duration, or None."""

    staff_member_id: int
    name: str
    active: bool
    bookable_online: bool
    durations: Mapping[int, int | None]
    in_any_specialist_pool: bool = True
    prepayment: str = NO_PREPAYMENT
    timing: TimingOverride = NO_OVERRIDE


@dataclass(frozen=True)
class QuotedService:
    service_id: int
    title: str
    duration_minutes: int
    price: int
    category_id: int | None = None


def service_problem(service: BookableService, *, online: bool) -> str | None:
    if online and not (service.active and service.bookable_online):
        return f"{service.title} cannot be booked online"
    return None


def offers_free_starts(services: Sequence[BookableService], *, online: bool) -> bool:
    """Whether a slot search offers start times for these services. Online, a client books a
    group service by taking a seat of one of its events, so none is offered; staff still
    find free times to put an event on."""
    return not (online and any(service.is_group_service for service in services))


def performer_problem(performer: Performer, services: Sequence[BookableService], *, online: bool) -> str | None:
    """Why `performer` cannot do these services, or None if they can.

    Online, the services themselves must be active and bookable online too.
    """
    if not performer.active:
        return f"{performer.name} is not active"
    if online and not performer.bookable_online:
        return f"{performer.name} cannot be booked online"
    for service in services:
        problem = service_problem(service, online=online)
        if problem:
            return problem
    missing = [service.title for service in services if service.service_id not in performer.durations]
    if missing:
        return f"{performer.name} does not perform {', '.join(missing)}"
    return None


def quoted_services(performer: Performer, services: Sequence[BookableService]) -> list[QuotedService]:
    """The services as `performer` does them: their own duration where set; priced at the minimum."""
    quoted = []
    for service in services:
        own = performer.durations[service.service_id]
        duration = own if own is not None else service.duration_minutes
        quoted.append(
            QuotedService(service.service_id, service.title, duration, service.price_min, service.category_id)
        )
    return quoted


def total_duration(performer: Performer, services: Sequence[BookableService]) -> timedelta:
    return timedelta(minutes=sum(quoted.duration_minutes for quoted in quoted_services(performer, services)))
