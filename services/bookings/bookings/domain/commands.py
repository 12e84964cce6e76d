"""What callers ask the bookings service to do, as typed commands (bookings.schemas makes them)."""

from dataclasses import dataclass, field
from datetime import datetime

from bookings.domain.model import Actor, LineChange


@dataclass(frozen=True)
class ClientSnapshot:
    """The client as the booking carries them: kept with it for the overview and the confirmation.
    Online, it is what the client typed in; bookings finds or creates their card from it."""

    name: str
    phone: str | None = None
    email: str | None = None
    last_name: str | None = None
    middle_name: str | None = None


@dataclass(frozen=True)
class OnlineClient:
    """What an online booking brings to find or create the client's card: the proof of a confirmed
    phone (when the salon asks for one), this device (to remember for push), the salon's country."""

    phone_token: str | None = None
    device_token: str | None = None
    default_region: str | None = None


@dataclass(frozen=True)
class CreateAppointment:
    client_id: int | None  # None: an online booking; the card is found or created from `client`
    service_ids: tuple[int, ...]
    starts_at: datetime
    source: str
    created_by: Actor | None  # None online: the client, once their card is known
    staff_member_ids: tuple[int, ...] | None = None  # None: anyone eligible ("any specialist")
    client: ClientSnapshot | None = None
    comment: str = ""
    visit_status: str = "pending"
    idempotency_key: str | None = None
    category_id: int | None = None
    colour: str | None = None
    extra_fields: dict = field(default_factory=dict)
    length_minutes: int | None = None  # staff may book another length than the services take
    online_client: OnlineClient | None = None


@dataclass(frozen=True)
class EditAppointment:
    """None leaves a part as it is; `services` lists every line the appointment keeps, in order."""

    actor: Actor
    services: tuple[LineChange, ...] | None = None
    length_minutes: int | None = None
    comment: str | None = None
    category_id: int | None = None
    colour: str | None = None
    extra_fields: dict | None = None
    clear: frozenset[str] = frozenset()  # of category_id, colour: set to none
    version: int | None = None  # the version the caller saw; another is StaleVersion


@dataclass(frozen=True)
class Reschedule:
    starts_at: datetime
    actor: Actor
    source: str
    staff_member_id: int | None = None


@dataclass(frozen=True)
class SetVisitStatus:
    visit_status: str
    actor: Actor


@dataclass(frozen=True)
class Cancel:
    actor: Actor
    reason: str | None = None


@dataclass(frozen=True)
class DeleteAppointments:
    appointment_ids: tuple[int, ...]
    actor: Actor
    may_delete_paid: bool = False
    may_delete_arrived: bool = False


@dataclass(frozen=True)
class CreateGroupEvent:
    staff_member_id: int
    service_id: int
    starts_at: datetime
    capacity: int
    created_by: Actor
    length_minutes: int | None = None  # default: the service's length for this staff member
    title: str | None = None
    comment: str = ""
    category_id: int | None = None


@dataclass(frozen=True)
class ChangeGroupEvent:
    actor: Actor
    starts_at: datetime | None = None
    length_minutes: int | None = None
    capacity: int | None = None
    title: str | None = None
    comment: str | None = None
    clear: frozenset[str] = frozenset()  # of title


@dataclass(frozen=True)
class BookSeat:
    client_id: int | None  # None: online, as CreateAppointment
    source: str
    created_by: Actor | None  # None online: the client, once their card is known
    client: ClientSnapshot | None = None
    comment: str = ""
    idempotency_key: str | None = None
    online_client: OnlineClient | None = None


@dataclass(frozen=True)
class AddBreak:
    staff_member_id: int
    starts_at: datetime
    ends_at: datetime
    actor: Actor
    note: str | None = None
