"""SQLAlchemy engine and the unit of work every service handler runs in."""

import time

from sqlalchemy import URL, Engine, create_engine, event, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from salon_infra import outbox
from salon_infra.errors import ServiceUnavailable


def with_driver(url: str | URL) -> URL:
    """Plain postgresql:// URLs use psycopg2: eventlet makes it green (SQLAlchemy 2.1's default is psycopg 3)."""
    url = make_url(url)
    return url.set(drivername="postgresql+psycopg2") if url.drivername == "postgresql" else url


def create_engine_for(url: str, *, pool_size: int = 10) -> Engine:
    url = with_driver(url)
    if url.drivername.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # No pre-ping: a "SELECT 1" before every unit of work cost a round trip and 7-12 % of each
    # service's CPU under load (py-spy, bench/run.py). A connection the database dropped fails its
    # first statement instead; SQLAlchemy then invalidates the pool, and the next unit of work
    # connects afresh.
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)


def _tune_sqlite(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


class UnitOfWork:
    """One transaction. Commit is explicit; leaving the block without it rolls back.

    Events recorded here are written to the outbox in the same transaction as the change,
    and a relay publishes them after commit.
    """

    def __init__(self, sessions: sessionmaker, deadline: float | None = None):
        self._sessions = sessions
        self.deadline = deadline  # epoch seconds after which the caller no longer waits
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._sessions()
        return self

    def __exit__(self, *exc_info) -> None:
        # close() rolls back what was not committed, and leaves loaded objects readable.
        self.session.close()
        self.session = None

    def commit(self) -> None:
        """Commit, unless the caller has stopped waiting: a change the caller was told failed
        (it got a timeout, say a 503) must not be made behind its back."""
        if self.deadline is not None and time.time() > self.deadline:
            raise ServiceUnavailable("the caller stopped waiting; nothing was saved")
        self.session.commit()

    def record_event(self, event_type: str, company_id: int, event_data: dict) -> str:
        return outbox.record(self.session, event_type, company_id, event_data)

    def record_events(self, events: list[tuple[str, int, dict]]) -> list[str]:
        """Many events at once, in this transaction: (event_type, company_id, event_data) each."""
        return outbox.record_many(self.session, events)

    def claim_event(self, event_id: str, consumer: str) -> bool:
        """Mark the event as handled by `consumer` in this transaction; False if it already was."""
        return outbox.claim(self.session, event_id, consumer)

    def ping(self) -> None:
        with self._sessions() as session:
            session.execute(text("SELECT 1"))


TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57")
"""Connection exceptions, transaction rollbacks (serialization, deadlock), insufficient resources
(too many connections), operator intervention (shutdown, a cancelled statement): trying again helps."""


def is_transient(problem: BaseException) -> bool:
    """Whether a database error says "not now" rather than "never": the caller gets a 503 to try
    again, not a 500. A lost or refused connection has no SQLSTATE; SQLite says "locked" or "busy"."""
    if not isinstance(problem, exc.OperationalError | exc.DisconnectionError | exc.TimeoutError):
        return False
    if isinstance(problem, exc.DisconnectionError | exc.TimeoutError) or problem.connection_invalidated:
        return True
    code = getattr(problem.orig, "pgcode", None)
    if code is not None:
        return code[:2] in TRANSIENT_SQLSTATE_CLASSES
    text_of = str(problem.orig).lower()
    if "sqlite" in type(problem.orig).__module__:
        return "locked" in text_of or "busy" in text_of
    return True  # psycopg2 without a SQLSTATE: the server could not be reached, or went away
