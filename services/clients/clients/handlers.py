"""The clients service's use cases. Each takes a unit of work and commits explicitly."""

from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from clients.domain.phones import InvalidPhone, normalise_phone, searched_digits
from clients.models import Client, ClientDevice
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound


def find_or_create_client(
    uow: UnitOfWork,
    company_id: int,
    phone: str,
    name: str,
    email: str | None = None,
    default_region: str | None = None,
    last_name: str | None = None,
    middle_name: str | None = None,
    fill_in: bool = True,
) -> Client:
    """The company's client with this phone; created if new. An existing card keeps its name;
    with `fill_in`, an email, last or middle name is filled in where the card has none. Without
    it (a client booking online, whom nobody has signed in) an existing card is never changed:
    what they typed goes on the booking, not onto someone's card."""
    phone = _normalised(phone, default_region)
    extra = {"email": email, "last_name": last_name, "middle_name": middle_name}
    with uow:
        client = _by_phone(uow, company_id, phone)
        now = datetime.now(UTC)
        if client is None:
            client = Client(company_id=company_id, phone=phone, name=name, **extra, created_at=now, updated_at=now)
            uow.session.add(client)
        elif not fill_in:
            return client
        for field, value in extra.items():
            if value and not getattr(client, field):
                setattr(client, field, value)
                client.updated_at = now
        try:
            uow.commit()
        except IntegrityError:  # the same new phone, created by a concurrent request
            uow.session.rollback()
            client = _by_phone(uow, company_id, phone)
    return client


def normalised_phones(phones: list[str], default_region: str | None) -> list[dict]:
    """Each phone in E.164, or why it is not one: [{"phone": str | None, "error": str | None}], in order."""
    answers = []
    for phone in phones:
        try:
            answers.append({"phone": normalise_phone(phone, default_region), "error": None})
        except InvalidPhone as problem:
            answers.append({"phone": None, "error": str(problem)})
    return answers


def find_or_create_clients(
    uow: UnitOfWork, company_id: int, clients: list[dict], default_region: str | None
) -> list[Client]:
    """The cards for many clients at once (an import), created where new, in the order given.
    InvalidInput names each bad phone by its position; nothing is written then."""
    phones, problems = [], {}
    for position, client in enumerate(clients):
        try:
            phones.append(normalise_phone(client["phone"], default_region))
        except InvalidPhone as problem:
            problems[str(position)] = {"phone": [str(problem)]}
    if problems:
        raise InvalidInput("invalid phones", {"clients": problems})
    now = datetime.now(UTC)
    new = {}
    for phone, client in zip(phones, clients, strict=True):
        new.setdefault(phone, {"company_id": company_id, "phone": phone, "name": client["name"],
                               "email": client.get("email"), "created_at": now, "updated_at": now})  # fmt: skip
    with uow:
        session = uow.session
        insert = _insert_for(session.get_bind().dialect.name)
        for chunk in _chunks(list(new.values()), 1000):
            session.execute(insert(Client).values(chunk).on_conflict_do_nothing())
        by_phone = {}
        for chunk in _chunks(list(new), 1000):
            query = select(Client).where(Client.company_id == company_id, Client.phone.in_(chunk))
            by_phone.update({client.phone: client for client in session.scalars(query)})
        uow.commit()
    return [by_phone[phone] for phone in phones]


def _insert_for(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def normalised_phone(phone: str, default_region: str | None) -> str:
    """The phone in E.164, or InvalidInput on phone."""
    return _normalised(phone, default_region)


def remember_device(uow: UnitOfWork, company_id: int, client_id: int, device_token: str) -> list[str]:
    """Remember the device for the client's push confirmations; the client's devices."""
    with uow:
        _get(uow, company_id, client_id)
        device = uow.session.scalar(
            select(ClientDevice).where(ClientDevice.company_id == company_id, ClientDevice.device_token == device_token)
        )
        if device is None:
            device = ClientDevice(company_id=company_id, device_token=device_token, created_at=datetime.now(UTC))
            uow.session.add(device)
        device.client_id = client_id  # a shared device follows whoever booked on it last
        uow.commit()
        return _devices(uow, company_id, client_id)


def client_devices(uow: UnitOfWork, company_id: int, client_id: int) -> list[str]:
    with uow:
        _get(uow, company_id, client_id)
        return _devices(uow, company_id, client_id)


def _devices(uow: UnitOfWork, company_id: int, client_id: int) -> list[str]:
    query = select(ClientDevice.device_token).where(
        ClientDevice.company_id == company_id, ClientDevice.client_id == client_id
    )
    return list(uow.session.scalars(query.order_by(ClientDevice.id)))


def get_client(uow: UnitOfWork, company_id: int, client_id: int) -> Client:
    with uow:
        return _get(uow, company_id, client_id)


def get_clients(uow: UnitOfWork, company_id: int, client_ids: list[int]) -> list[Client]:
    if not client_ids:
        return []
    with uow:
        query = select(Client).where(Client.company_id == company_id, Client.id.in_(set(client_ids)))
        return list(uow.session.scalars(query.order_by(Client.id)))


_CARD_COLUMNS = [Client.id, Client.company_id, Client.phone, Client.name, Client.email, Client.last_name,
                 Client.middle_name, Client.created_at]  # fmt: skip


def client_cards(uow: UnitOfWork, company_id: int, client_ids: list[int]) -> list[dict]:
    """Many cards as JSON, read and built without ORM objects or a schema: the calendar asks for every
    client of a day at once (the shape of schemas.ClientSchema; a test holds them equal)."""
    if not client_ids:
        return []
    with uow:
        rows = uow.session.execute(
            select(*_CARD_COLUMNS)
            .where(Client.company_id == company_id, Client.id.in_(set(client_ids)))
            .order_by(Client.id)
        ).all()
    return [
        {"id": card_id, "company_id": company, "phone": phone, "name": name, "email": email, "last_name": last_name,
         "middle_name": middle_name, "created_at": created_at.isoformat()}
        for card_id, company, phone, name, email, last_name, middle_name, created_at in rows
    ]  # fmt: skip


def search_clients(
    uow: UnitOfWork, company_id: int, text: str, limit: int = 20, default_region: str | None = None
) -> list[Client]:
    """Clients whose name contains `text`, or whose phone contains its digits (typed nationally
    in the company's region, too: "0151 77" finds "+4915177...")."""
    conditions = [Client.name.ilike(f"%{_escape_like(text)}%", escape="\\")]
    conditions += [Client.phone.contains(digits) for digits in searched_digits(text, default_region)]
    with uow:
        query = select(Client).where(Client.company_id == company_id, or_(*conditions))
        return list(uow.session.scalars(query.order_by(Client.name, Client.id).limit(limit)))


def update_client(uow: UnitOfWork, company_id: int, client_id: int, changes: dict) -> Client:
    with uow:
        client = _get(uow, company_id, client_id)
        for field, value in changes.items():
            setattr(client, field, value)
        client.updated_at = datetime.now(UTC)
        uow.commit()
    return client


def _normalised(phone: str, default_region: str | None) -> str:
    try:
        return normalise_phone(phone, default_region)
    except InvalidPhone as problem:
        raise InvalidInput.field("phone", str(problem)) from None


def _by_phone(uow: UnitOfWork, company_id: int, phone: str) -> Client | None:
    return uow.session.scalar(select(Client).where(Client.company_id == company_id, Client.phone == phone))


def _get(uow: UnitOfWork, company_id: int, client_id: int) -> Client:
    client = uow.session.scalar(select(Client).where(Client.company_id == company_id, Client.id == client_id))
    if client is None:
        raise NotFound(f"client {client_id} not found")
    return client


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
