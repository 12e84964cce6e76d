"""The transactional outbox and the consumers' record of handled events.

Every service that emits events has an `outbox` table and every consumer a
`processed_events` table, in its own database. `add_tables` puts both into a service's
metadata; `create_tables_v1` is what its first migration runs.
"""

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from salon_infra.logs import REQUEST_ID, REQUEST_ID_KEY
from salon_infra.types import IdType, UtcDateTime

_metadata = MetaData()


def _outbox_columns() -> list[Column]:
    return [
        Column("id", IdType, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(100), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UtcDateTime(), nullable=True),
        Column("last_error", Text, nullable=True),
    ]


def _processed_events_columns() -> list[Column]:
    return [
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(100), primary_key=True),
        Column("processed_at", UtcDateTime(), nullable=False),
    ]


outbox_table = Table("outbox", _metadata, *_outbox_columns())
Index(
    "ix_outbox_unpublished",
    outbox_table.c.id,
    postgresql_where=outbox_table.c.published_at.is_(None),
    sqlite_where=outbox_table.c.published_at.is_(None),
)
processed_events_table = Table("processed_events", _metadata, *_processed_events_columns())

NOTIFY_CHANNEL = "outbox"


def add_tables(metadata: MetaData) -> None:
    for table in (outbox_table, processed_events_table):
        table.to_metadata(metadata)


def create_tables_v1(op) -> None:
    """Create the outbox tables from a service's migration; on PostgreSQL, an insert wakes the relay."""
    op.create_table("outbox", *_outbox_columns())
    op.create_table("processed_events", *_processed_events_columns())
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        postgresql_where=text("published_at IS NULL"),
        sqlite_where=text("published_at IS NULL"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION outbox_notify() RETURNS trigger AS $$ "
            f"BEGIN PERFORM pg_notify('{NOTIFY_CHANNEL}', ''); RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()"
        )


def envelope(event_type: str, company_id: int, event_data: dict) -> dict:
    """The event as consumers receive it; `request_id` is that of the request it was recorded in
    (salon_infra.logs: the worker's, in a service), so consumers log with it too."""
    message = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "company_id": company_id,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": event_data,
    }
    request_id = REQUEST_ID.get()
    if request_id is not None:
        message[REQUEST_ID_KEY] = request_id
    return message


def record(session: Session, event_type: str, company_id: int, event_data: dict) -> str:
    message = envelope(event_type, company_id, event_data)
    session.execute(
        insert(outbox_table).values(
            event_id=message["event_id"],
            event_type=event_type,
            body=json.dumps(message, separators=(",", ":")),
            created_at=datetime.now(UTC),
            attempts=0,
        )
    )
    return message["event_id"]


def record_many(session: Session, events: list[tuple[str, int, dict]]) -> list[str]:
    """Many events (event_type, company_id, data) in one statement: for bulk changes such as an import."""
    if not events:
        return []
    now = datetime.now(UTC)
    messages = [envelope(event_type, company_id, data) for event_type, company_id, data in events]
    rows = [
        {
            "event_id": message["event_id"],
            "event_type": message["event_type"],
            "body": json.dumps(message, separators=(",", ":")),
            "created_at": now,
            "attempts": 0,
        }
        for message in messages
    ]
    session.execute(insert(outbox_table), rows)
    return [message["event_id"] for message in messages]


def claim(session: Session, event_id: str, consumer: str) -> bool:
    """Record that `consumer` handles the event, in the caller's transaction; False if it already
    has. One statement: a concurrent duplicate waits for the first to commit, then claims nothing."""
    dialect = session.get_bind().dialect.name
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert_for(processed_events_table)
        .values(event_id=event_id, consumer=consumer, processed_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["event_id", "consumer"])
    )
    return session.execute(statement).rowcount == 1
