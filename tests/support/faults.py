"""Clients booking through the widget while faults happen under them, and the reckoning after.

Each client books distinct slots, one at a time, each booking with its own Idempotency-Key.
An answer that does not settle a booking (a 5xx, or no answer in time) is retried with the
same key until one does: a 201, or a 4xx refusal. So a booking answered 503 and then 201
counts once. The reckoning compares what the clients were told with bookings' database (every
201 is an appointment, and every appointment was told to its client as a 201) and with the
SMS notifications sent (each booked client got exactly one confirmation).
"""

import itertools
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import create_engine, text

from salon_infra.database import with_driver

DAY_HOURS = (9, 18)  # the salon's working day; bookings take half an hour


@dataclass
class Attempt:
    started: float  # time.time()
    seconds: float
    status: int | None  # None: no answer (refused connection, or nothing within the client's timeout)
    detail: str = ""

    @property
    def finished(self) -> float:
        return self.started + self.seconds


@dataclass
class Booking:
    key: str
    phone: str
    staff_member_id: int
    starts_at: str
    attempts: list[Attempt] = field(default_factory=list)
    appointment_id: int | None = None
    refused: int | None = None  # the 4xx that settled it

    @property
    def settled(self) -> bool:
        return self.appointment_id is not None or self.refused is not None

    @property
    def booked_at(self) -> float | None:
        return self.attempts[-1].finished if self.appointment_id is not None else None


class BookingLoad:
    """`clients` threads booking through the widget API until stop()."""

    def __init__(
        self,
        gateway_url: str,
        company_id: int,
        service_id: int,
        staff_member_ids: list[int],
        timezone: str,
        *,
        clients: int = 8,
        first_day: date | None = None,
        request_timeout: float = 15.0,
        retry_pause: float = 0.25,
        settle_within: float = 60.0,
    ):
        self.url = f"{gateway_url}/api/v1/companies/{company_id}/bookings"
        self.service_id, self.clients = service_id, clients
        self.request_timeout, self.retry_pause, self.settle_within = request_timeout, retry_pause, settle_within
        self.bookings: list[Booking] = []
        self._slots = _slots(staff_member_ids, first_day or date.today() + timedelta(days=1), ZoneInfo(timezone))
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(clients)]

    def start(self) -> "BookingLoad":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """No new bookings; each client settles the one it is making (retrying for at most
        `settle_within` seconds)."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(self.settle_within + self.request_timeout + 5)

    def attempts(self) -> list[Attempt]:
        with self._lock:
            return [attempt for booking in self.bookings for attempt in booking.attempts]

    def booked(self) -> list[Booking]:
        with self._lock:
            return [booking for booking in self.bookings if booking.appointment_id is not None]

    def first_booked_after(self, moment: float) -> float | None:
        """When the first request sent after `moment` (time.time()) to be answered 201 got its answer."""
        times = [a.finished for a in self.attempts() if a.status == 201 and a.started > moment]
        return min(times) if times else None

    def _client(self, number: int) -> None:
        session = requests.Session()
        while not self._stopping.is_set():
            with self._lock:
                staff_member_id, starts_at = next(self._slots)
                serial = next(self._numbers)
                booking = Booking(uuid.uuid4().hex, f"+49171{number:02d}{serial:06d}", staff_member_id, starts_at)
                self.bookings.append(booking)
            self._settle(session, booking)

    def _settle(self, session: requests.Session, booking: Booking) -> None:
        body = {
            "service_ids": [self.service_id],
            "staff_member_id": booking.staff_member_id,
            "starts_at": booking.starts_at,
            "client": {"name": "Fault Client", "phone": booking.phone},
        }
        give_up_at = None
        while not booking.settled:
            if self._stopping.is_set():
                give_up_at = give_up_at or time.monotonic() + self.settle_within
                if time.monotonic() > give_up_at:
                    return  # unsettled: the reckoning says so
            attempt = self._attempt(session, body, booking.key)
            booking.attempts.append(attempt)
            if attempt.status == 201:
                booking.appointment_id = int(attempt.detail)
            elif attempt.status is not None and 400 <= attempt.status < 500:
                booking.refused = attempt.status
            else:
                time.sleep(self.retry_pause)

    def _attempt(self, session: requests.Session, body: dict, key: str) -> Attempt:
        started, clock = time.time(), time.monotonic()
        try:
            response = session.post(self.url, json=body, headers={"Idempotency-Key": key}, timeout=self.request_timeout)
        except requests.RequestException as problem:
            return Attempt(started, time.monotonic() - clock, None, type(problem).__name__)
        seconds = time.monotonic() - clock
        if response.status_code == 201:
            return Attempt(started, seconds, 201, str(response.json()["appointment"]["id"]))
        return Attempt(started, seconds, response.status_code, response.text[:300])


def _slots(staff_member_ids: list[int], first_day: date, zone: ZoneInfo):
    """(staff member, local start) for every half hour of every working day, none twice."""
    for offset in itertools.count():
        day = first_day + timedelta(days=offset)
        for minutes in range(DAY_HOURS[0] * 60, DAY_HOURS[1] * 60, 30):
            start = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=zone)
            for staff_member_id in staff_member_ids:
                yield staff_member_id, start.isoformat()


@dataclass
class Reckoning:
    bookings: int  # bookings the clients began
    booked: int  # answered 201 (once each, however many tries it took)
    refused: int
    unsettled: int
    appointments: int  # in bookings' database
    lost: list[str]  # a 201 with no such appointment
    phantom: list[str]  # an appointment its client was never told of
    duplicates: list[str]  # more than one appointment for one booking or one client
    missing_confirmations: list[str]
    repeated_confirmations: list[str]
    stray_confirmations: list[str]  # sent to a phone that booked nothing
    bad_5xx: list[Attempt]  # a 5xx other than 503
    no_answer: list[Attempt]
    slow_503: list[Attempt]  # a 503 that took longer than the RPC timeout
    answers: dict[str, int]  # every attempt's status, counted
    retried: int  # bookings that needed more than one attempt
    slowest_503_seconds: float

    def problems(self) -> list[str]:
        found = []
        for name in (
            "lost", "phantom", "duplicates", "missing_confirmations", "repeated_confirmations",
            "stray_confirmations", "bad_5xx", "no_answer", "slow_503",
        ):  # fmt: skip
            if values := getattr(self, name):
                found.append(f"{len(values)} {name.replace('_', ' ')}: {values[:5]}")
        if self.unsettled:
            found.append(f"{self.unsettled} bookings never settled")
        if self.refused:
            found.append(f"{self.refused} bookings refused (4xx)")
        return found


def reckon(
    load: BookingLoad,
    company_id: int,
    bookings_database_url: str,
    notifications_database_url: str,
    rpc_timeout: float,
    *,
    confirmations_within: float = 60.0,
) -> Reckoning:
    booked = load.booked()
    appointments = _rows(
        bookings_database_url,
        "SELECT id, idempotency_key, client_phone FROM appointments WHERE company_id = :company AND deleted_at IS NULL",
        company=company_id,
    )
    ids_by_key, ids_by_phone = defaultdict(list), defaultdict(list)
    for appointment_id, key, phone in appointments:
        ids_by_key[key].append(appointment_id)
        ids_by_phone[phone].append(appointment_id)
    told = {booking.key for booking in booked}
    lost = [b.key for b in booked if b.appointment_id not in ids_by_key.get(b.key, [])]
    phantom = [f"appointment {ids[0]} (key {key})" for key, ids in ids_by_key.items() if key not in told]
    duplicates = [f"key {key}: {ids}" for key, ids in ids_by_key.items() if len(ids) > 1]
    duplicates += [f"phone {phone}: {ids}" for phone, ids in ids_by_phone.items() if len(ids) > 1]
    sent = _confirmations(notifications_database_url, company_id, {b.phone for b in booked}, confirmations_within)
    booked_phones = {b.phone for b in booked}
    attempts = load.attempts()
    answered_503 = [a for a in attempts if a.status == 503]
    return Reckoning(
        bookings=len(load.bookings),
        booked=len(booked),
        refused=sum(1 for b in load.bookings if b.refused is not None),
        unsettled=sum(1 for b in load.bookings if not b.settled),
        appointments=len(appointments),
        lost=lost,
        phantom=phantom,
        duplicates=duplicates,
        missing_confirmations=sorted(phone for phone in booked_phones if sent.get(phone, 0) == 0),
        repeated_confirmations=sorted(f"{phone} x{n}" for phone, n in sent.items() if n > 1),
        stray_confirmations=sorted(phone for phone in sent if phone not in booked_phones),
        bad_5xx=[a for a in attempts if a.status is not None and a.status >= 500 and a.status != 503],
        no_answer=[a for a in attempts if a.status is None],
        slow_503=[a for a in answered_503 if a.seconds > rpc_timeout],
        answers=dict(Counter(str(a.status) for a in attempts)),
        retried=sum(1 for b in load.bookings if len(b.attempts) > 1),
        slowest_503_seconds=round(max((a.seconds for a in answered_503), default=0.0), 2),
    )


def _confirmations(database_url: str, company_id: int, phones: set[str], within: float) -> dict[str, int]:
    """Booking confirmations sent by SMS, by phone, once every booked phone has one (or `within` is up)."""
    query = (
        "SELECT recipient, count(*) FROM sent_messages WHERE company_id = :company AND channel = 'sms' "
        "AND purpose = 'appointment_created' AND status = 'sent' GROUP BY recipient"
    )
    deadline = time.monotonic() + within
    while True:
        sent = dict(_rows(database_url, query, company=company_id))
        if phones <= set(sent) or time.monotonic() > deadline:
            time.sleep(1.0)  # and let a second (duplicate) one arrive, if one would
            return dict(_rows(database_url, query, company=company_id))
        time.sleep(0.5)


def _rows(database_url: str, sql: str, **parameters) -> list[tuple]:
    engine = create_engine(with_driver(database_url))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), parameters)]
    finally:
        engine.dispose()
