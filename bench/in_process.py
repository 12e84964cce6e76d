"""The in-process floor under the gateway's slot search figure, on the same database."""

from collections.abc import Callable

from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from scheduling.handlers.slots import prepare_slot_search
from scheduling.schemas.slots import slot_days_json


def handler_search(database_url: str, company_id: int, query: dict) -> Callable[[], dict]:
    """What scheduling's find_slots entrypoint does after validation: read, compute, build the answer."""
    sessions = session_factory(create_engine_for(database_url, pool_size=2))

    def search() -> dict:
        found = prepare_slot_search(UnitOfWork(sessions), company_id, **query).run()
        return slot_days_json(found.tz, found.step_minutes, found.days)

    return search


def engine_only_search(database_url: str, company_id: int, query: dict) -> Callable[[], object]:
    """The slot engine alone, on inputs read once."""
    sessions = session_factory(create_engine_for(database_url, pool_size=2))
    return prepare_slot_search(UnitOfWork(sessions), company_id, **query).run
