"""The bookings service's entities and their transitions, as plain dataclasses.

An appointment is the record of a client's visit with one staff member: its service lines,
its time, its visit status. A group event is one staff member running a service for several
clients at once; each client's seat is an appointment of the event. A break blocks a staff
member's time. The database maps these classes (bookings.models) but they know nothing of it:
every rule here runs, and is tested, without one.

Each transition checks that it may happen, changes the entity, and bumps `version`, which
travels with every event so consumers keep only the newest state.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bookings.domain import pricing
from bookings.domain.pricing import Discount
from bookings.exceptions import AppointmentClosed, NothingToChange
from salon_infra.errors import InvalidInput

BOOKED, CANCELLED, DELETED = "booked", "cancelled", "deleted"
PENDING, CONFIRMED, ARRIVED, NO_SHOW = "pending", "confirmed", "arrived", "no_show"
VISIT_STATUSES = (PENDING, CONFIRMED, ARRIVED, NO_SHOW)
MAX_LENGTH = timedelta(hours=24)
"""The longest appointment or group event; scheduling looks appointments up assuming none is longer."""


def state_of(cancelled_at: datetime | None, deleted_at: datetime | None) -> str:
    if deleted_at is not None:
        return DELETED
    return CANCELLED if cancelled_at is not None else BOOKED


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" (staff) or "client"
    id: int


# ---------------------------------------------------------------- service lines


@dataclass(eq=False)
class ServiceLine:
    """A service performed in an appointment, as booked: its title, length and list price were
    the catalogue's at the time; staff may change its price, quantity and discount since."""

    service_id: int
    title: str
    duration_minutes: int
    price: int  # of one, minor units
    quantity: int = 1
    discount_percent: int | None = None  # hundredths of a percent, when the discount is a percent
    discount: int = 0  # minor units off the line: the amount entered, or the percent worked out
    category_id: int | None = None
    subtotal: int = 0
    total: int = 0
    position: int = 0
    id: int | None = None

    def __post_init__(self):
        self.reprice()

    @property
    def entered_discount(self) -> Discount:
        return Discount(percent=self.discount_percent) if self.discount_percent is not None else Discount(self.discount)

    def reprice(self, discount: Discount | None = None) -> None:
        """Work out subtotal, discount and total (pricing.PriceProblem if out of range)."""
        discount = discount or self.entered_discount
        money = pricing.line_money(self.price, self.quantity, discount)
        self.discount_percent = discount.percent
        self.subtotal, self.discount, self.total = money.subtotal, money.discount, money.total

    def money(self) -> pricing.LineMoney:
        return pricing.LineMoney(self.subtotal, self.discount, self.total)


@dataclass(frozen=True)
class LineChange:
    """One line as an edit wants it: an existing line by `id`, or a new one of `service_id`.
    None leaves a field as it is (for a new line: the catalogue's price, quantity 1, no discount)."""

    id: int | None = None
    service_id: int | None = None
    quantity: int | None = None
    price: int | None = None
    discount: Discount | None = None


# ---------------------------------------------------------------- appointments


@dataclass(eq=False)
class Appointment:
    company_id: int
    client_id: int
    staff_member_id: int
    starts_at: datetime
    ends_at: datetime
    source: str
    created_by_kind: str
    created_by_id: int
    created_at: datetime
    services: list[ServiceLine] = field(default_factory=list)
    client_name: str | None = None  # as it was when booked
    client_phone: str | None = None  # E.164, as it was when booked
    client_email: str | None = None  # as the booking carries it (an online client's, as they typed it)
    comment: str = ""
    visit_status: str = PENDING
    visit_status_changed_at: datetime | None = None
    visit_status_changed_by_kind: str | None = None
    visit_status_changed_by_id: int | None = None
    category_id: int | None = None
    colour: str | None = None  # "#rrggbb", over the category's
    extra_fields: dict = field(default_factory=dict)
    group_event_id: int | None = None  # a seat of this group event
    cancelled_at: datetime | None = None
    cancelled_by_kind: str | None = None
    cancelled_by_id: int | None = None
    cancel_reason: str | None = None
    deleted_at: datetime | None = None
    deleted_by_id: int | None = None
    import_key: str | None = None
    idempotency_key: str | None = None
    request_fingerprint: str | None = None
    prepayment_required: bool = False
    total_price: int = 0  # the lines' totals added up
    discount: int = 0  # the lines' discounts added up
    # The payments service's copy of the visit's bill (its bill_changed events): what has been paid,
    # and what the bill holds beyond the service lines (products, memberships and gift cards sold).
    paid_amount: int = 0
    sales_total: int = 0
    bill_version: int = 0
    version: int = 1
    updated_at: datetime | None = None
    id: int | None = None

    def __post_init__(self):
        for position, line in enumerate(self.services):
            line.position = position
        self._add_up()
        self.updated_at = self.updated_at or self.created_at

    # ------------------------------------------------------------ reading

    @property
    def state(self) -> str:
        return state_of(self.cancelled_at, self.deleted_at)

    @property
    def bill_total(self) -> int:
        """The whole bill: the service lines (ours, always current) and what payments says was sold."""
        return self.total_price + self.sales_total

    @property
    def due(self) -> int:
        return pricing.due(self.bill_total, self.paid_amount)

    @property
    def payment_status(self) -> str:
        return pricing.payment_status(self.bill_total, self.paid_amount)

    @property
    def created_by(self) -> dict:
        return {"kind": self.created_by_kind, "id": self.created_by_id}

    @property
    def cancelled_by(self) -> dict | None:
        return None if self.cancelled_by_kind is None else {"kind": self.cancelled_by_kind, "id": self.cancelled_by_id}

    @property
    def visit_status_changed_by(self) -> dict | None:
        if self.visit_status_changed_by_kind is None:
            return None
        return {"kind": self.visit_status_changed_by_kind, "id": self.visit_status_changed_by_id}

    @property
    def length(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def service_ids(self) -> list[int]:
        return [line.service_id for line in self.services]

    @property
    def has_own_length(self) -> bool:
        """Staff set its length by hand: it differs from what its services take."""
        minutes = sum(line.duration_minutes for line in self.services)
        return not minutes or self.length != timedelta(minutes=minutes)

    # ------------------------------------------------------------ transitions

    def edit_services(self, changes: Sequence[LineChange], catalogue: Mapping[int, ServiceLine]) -> bool:
        """Make the lines what `changes` lists, in that order: lines not listed are removed, new
        ones come from `catalogue` (the staff member's services as scheduling quotes them).
        True when a line was added or removed (the length may follow); InvalidInput naming
        `services.<position>.<field>` for anything out of range or unknown."""
        self.require_live()
        current = {line.id: line for line in self.services}
        planned, problems = [], {}
        for position, change in enumerate(changes):
            try:
                planned.append(self._plan_line(change, current, catalogue))
            except _LineProblem as problem:
                problems[str(position)] = {problem.field: [problem.message]}
        if problems:
            raise InvalidInput("invalid services", {"services": problems})
        ids = [line.id for line, *_ in planned if line.id is not None]
        if len(ids) != len(set(ids)):
            raise InvalidInput.field("services", "A line is listed twice.")
        added_or_removed = len(ids) != len(planned) or set(ids) != set(current)
        # Nothing changes until every line has passed.
        for position, (line, price, quantity, discount) in enumerate(planned):
            line.price, line.quantity, line.position = price, quantity, position
            line.reprice(discount)
        self.services = [line for line, *_ in planned]
        self._add_up()
        return added_or_removed

    def change_length(self, length: timedelta) -> None:
        self.require_live()
        if not timedelta(minutes=1) <= length <= MAX_LENGTH:
            raise InvalidInput.field("length_minutes", f"Must be between 1 and {MAX_LENGTH // timedelta(minutes=1)}.")
        if self.group_event_id is not None:
            raise InvalidInput.field("length_minutes", "A seat lasts as long as its group event.")
        self.ends_at = self.starts_at + length

    def fit_length_to_services(self) -> None:
        """After a line was added or removed: as long as its services take, if it has any."""
        minutes = sum(line.duration_minutes for line in self.services)
        if minutes and self.group_event_id is None:
            self.change_length(timedelta(minutes=minutes))

    def describe(self, *, comment=None, category_id=None, colour=None, extra_fields=None, clear=()) -> None:
        """Change what staff note about the visit; None leaves a field, `clear` names those set to none."""
        self.require_live()
        if comment is not None:
            self.comment = comment
        if category_id is not None or "category_id" in clear:
            self.category_id = category_id
        if colour is not None or "colour" in clear:
            self.colour = colour
        if extra_fields is not None:
            self.extra_fields = dict(extra_fields)

    def require_movable(self) -> None:
        self.require_live()
        if self.group_event_id is not None:
            raise AppointmentClosed("a seat moves with its group event; book the client into another event")

    def move(self, staff_member_id: int, starts_at: datetime, ends_at: datetime, durations: Mapping[int, int]) -> None:
        """To another time and/or staff member, with the lengths scheduling quotes there."""
        self.require_movable()
        self.staff_member_id, self.starts_at, self.ends_at = staff_member_id, starts_at, ends_at
        for line in self.services:
            line.duration_minutes = durations.get(line.service_id, line.duration_minutes)

    def set_visit_status(self, status: str, actor: Actor, now: datetime) -> None:
        """Pending ("expected"), confirmed, arrived or no-show, with who set it and when.
        Setting the status it already has changes nothing (NothingToChange)."""
        if status not in VISIT_STATUSES:
            raise InvalidInput.field("visit_status", f"Must be one of {', '.join(VISIT_STATUSES)}.")
        self.require_live()
        if status == self.visit_status:
            raise NothingToChange()
        self.visit_status = status
        self.visit_status_changed_at = now
        self.visit_status_changed_by_kind, self.visit_status_changed_by_id = actor.kind, actor.id

    def cancel(self, actor: Actor, reason: str | None, now: datetime) -> None:
        """Cancelled for good; money paid is the payments service's to mark for a refund.
        Cancelling again changes nothing (NothingToChange)."""
        if self.state == CANCELLED:
            raise NothingToChange()
        self.require_live()
        self.cancelled_at, self.cancelled_by_kind, self.cancelled_by_id = now, actor.kind, actor.id
        self.cancel_reason = reason

    def deletion_problem(self, *, may_delete_paid: bool, may_delete_arrived: bool) -> str | None:
        """Why this user may not delete it, or None. A deleted booking cannot come back."""
        if self.deleted_at is not None:
            return "already deleted"
        if self.paid_amount > 0 and not may_delete_paid:
            return "paid: you may not delete paid bookings"
        if self.visit_status == ARRIVED and not may_delete_arrived:
            return "arrived: you may not delete bookings whose client has arrived"
        return None

    def delete(self, actor: Actor, now: datetime) -> None:
        self.deleted_at, self.deleted_by_id = now, actor.id

    def touch(self, now: datetime) -> None:
        """Every change: a new version, so consumers of its events keep the newest."""
        self.version += 1
        self.updated_at = now

    # ------------------------------------------------------------ internals

    def require_live(self) -> None:
        if self.state != BOOKED:
            raise AppointmentClosed(f"appointment {self.id} is {self.state}")

    def _add_up(self) -> None:
        money = pricing.bill([line.money() for line in self.services])
        self.total_price, self.discount = money.total, money.discount

    @staticmethod
    def _plan_line(change: LineChange, current: Mapping, catalogue: Mapping[int, ServiceLine]) -> tuple:
        """(line, price, quantity, discount) for one change, checked but not yet applied."""
        if change.id is not None:
            line = current.get(change.id)
            if line is None:
                raise _LineProblem("id", "No such line in this appointment.")
        elif change.service_id is None:
            raise _LineProblem("service_id", "Give a line's id, or the service_id of a new one.")
        elif (template := catalogue.get(change.service_id)) is None:
            raise _LineProblem("service_id", "This staff member does not perform this service.")
        else:
            line = ServiceLine(
                template.service_id, template.title, template.duration_minutes, template.price,
                category_id=template.category_id,
            )  # fmt: skip
        price = line.price if change.price is None else change.price
        quantity = line.quantity if change.quantity is None else change.quantity
        discount = change.discount or line.entered_discount
        try:
            pricing.line_money(price, quantity, discount)
        except pricing.PriceProblem as problem:
            raise _LineProblem(problem.field, problem.message) from None
        return line, price, quantity, discount


class _LineProblem(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def new_appointment(
    *,
    company_id: int,
    client_id: int,
    staff_member_id: int,
    starts_at: datetime,
    ends_at: datetime,
    services: Sequence[ServiceLine],
    source: str,
    created_by: Actor,
    now: datetime,
    **details,
) -> Appointment:
    return Appointment(
        company_id=company_id,
        client_id=client_id,
        staff_member_id=staff_member_id,
        starts_at=starts_at,
        ends_at=ends_at,
        services=list(services),
        source=source,
        created_by_kind=created_by.kind,
        created_by_id=created_by.id,
        created_at=now,
        **details,
    )


# ---------------------------------------------------------------- group events


@dataclass(eq=False)
class GroupEvent:
    """A staff member runs one service for several clients at once; each seat is an appointment.
    The database counts the seats (`seats_taken`) and refuses one over `capacity`."""

    company_id: int
    staff_member_id: int
    service_id: int
    service_title: str
    price: int  # of one seat, minor units
    starts_at: datetime
    ends_at: datetime
    capacity: int
    created_by_kind: str
    created_by_id: int
    created_at: datetime
    title: str | None = None
    category_id: int | None = None
    comment: str = ""
    seats_taken: int = 0  # written by the database only
    cancelled_at: datetime | None = None
    deleted_at: datetime | None = None
    version: int = 1
    updated_at: datetime | None = None
    id: int | None = None

    MAX_CAPACITY = 500

    def __post_init__(self):
        self._check_capacity(self.capacity)
        self.updated_at = self.updated_at or self.created_at

    @property
    def state(self) -> str:
        return state_of(self.cancelled_at, self.deleted_at)

    @property
    def free_seats(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def name(self) -> str:
        return self.title or self.service_title

    def change(self, *, capacity: int | None = None, title=None, comment=None, clear=()) -> None:
        self.require_live()
        if capacity is not None:
            self._check_capacity(capacity)
            if capacity < self.seats_taken:
                raise InvalidInput.field("capacity", f"{self.seats_taken} seats are taken; remove clients first.")
            self.capacity = capacity
        if title is not None or "title" in clear:
            self.title = title
        if comment is not None:
            self.comment = comment

    def move(self, starts_at: datetime, ends_at: datetime, seats: Sequence[Appointment]) -> None:
        """Another time (and its seats with it)."""
        self.require_live()
        if not timedelta(0) < ends_at - starts_at <= MAX_LENGTH:
            raise InvalidInput.field("length_minutes", "Must be between 1 minute and 24 hours.")
        self.starts_at, self.ends_at = starts_at, ends_at
        for seat in seats:
            seat.starts_at, seat.ends_at = starts_at, ends_at

    def seat(self, *, client_id: int, source: str, created_by: Actor, now: datetime, **details) -> Appointment:
        """A client's seat: an appointment of the event's service at the event's time and price."""
        self.require_live()
        line = ServiceLine(self.service_id, self.service_title, int(self.length / timedelta(minutes=1)), self.price)
        return new_appointment(
            company_id=self.company_id,
            client_id=client_id,
            staff_member_id=self.staff_member_id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            services=[line],
            source=source,
            created_by=created_by,
            now=now,
            group_event_id=self.id,
            **details,
        )

    def cancel(self, actor: Actor, reason: str | None, now: datetime, seats: Sequence[Appointment]) -> list:
        """Cancel the event and every live seat; the seats cancelled, for their events."""
        if self.state == CANCELLED:
            raise NothingToChange()
        self.require_live()
        self.cancelled_at = now
        cancelled = []
        for seat in seats:
            if seat.state == BOOKED:
                seat.cancel(actor, reason, now)
                cancelled.append(seat)
        return cancelled

    @property
    def length(self) -> timedelta:
        return self.ends_at - self.starts_at

    def touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    def require_live(self) -> None:
        if self.state != BOOKED:
            raise AppointmentClosed(f"group event {self.id} is {self.state}")

    def _check_capacity(self, capacity: int) -> None:
        if not 1 <= capacity <= self.MAX_CAPACITY:
            raise InvalidInput.field("capacity", f"Must be between 1 and {self.MAX_CAPACITY}.")


# ---------------------------------------------------------------- breaks


@dataclass(eq=False)
class Break:
    """Time a staff member is away, added from the calendar; the database keeps appointments off it."""

    company_id: int
    staff_member_id: int
    starts_at: datetime
    ends_at: datetime
    created_by_id: int
    created_at: datetime
    note: str | None = None
    removed_at: datetime | None = None
    removed_by_id: int | None = None
    version: int = 1
    id: int | None = None

    MAX_LENGTH = timedelta(days=31)

    def __post_init__(self):
        if self.ends_at <= self.starts_at:
            raise InvalidInput.field("ends_at", "Must be after starts_at.")
        if self.ends_at - self.starts_at > self.MAX_LENGTH:
            raise InvalidInput.field("ends_at", "A break lasts at most 31 days.")

    @property
    def state(self) -> str:
        return "removed" if self.removed_at is not None else "active"

    def remove(self, actor: Actor, now: datetime) -> None:
        if self.removed_at is not None:
            raise NothingToChange()
        self.removed_at, self.removed_by_id = now, actor.id
        self.version += 1


# ---------------------------------------------------------------- categories


@dataclass(eq=False)
class AppointmentCategory:
    """A company's label for appointments, with its colour (e.g. "Team member is important")."""

    company_id: int
    title: str
    colour: str
    id: int | None = None
