"""Users and roles moved from scheduling keep their ids, once, and new ones never take those ids."""

import uuid
from datetime import UTC, datetime

import pytest
from helpers import new_company
from sqlalchemy import select

from accounts.handlers import ids
from accounts.models import IdFloor, Role, User
from accounts.passwords import Passwords
from accounts.service import AccountsService
from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_database

OLD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU"


def carried_event(company_id: int, base: int) -> dict:
    """As scheduling's migration 0007 writes it."""
    roles = [
        {"id": base + 1, "name": "owner", "built_in": True, "rights": None},
        {"id": base + 2, "name": "administrator", "built_in": True, "rights": None},
        {"id": base + 3, "name": "specialist", "built_in": True, "rights": None},
        {"id": base + 4, "name": "Cashier", "built_in": False, "rights": ["take_payments"]},
    ]
    users = [
        {"id": base + 7, "email": "olga@example.com", "name": "Olga", "password_hash": OLD_HASH,
         "role_id": base + 1, "staff_member_id": None, "active": True, "created_at": "2026-01-05T10:00:00+00:00"},
        {"id": base + 9, "email": "carl@example.com", "name": "Carl", "password_hash": OLD_HASH,
         "role_id": base + 4, "staff_member_id": 55, "active": False, "created_at": "2026-02-05T10:00:00+00:00"},
    ]  # fmt: skip
    return {"event_id": str(uuid.uuid4()), "event_type": "identity_carried_over", "company_id": company_id,
            "occurred_at": datetime.now(UTC).isoformat(), "data": {"roles": roles, "users": users}}  # fmt: skip


def test_a_company_is_carried_over_once_with_its_ids(api, uow, database_url):
    base = 7_000_000_000 + uuid.uuid4().int % 1_000_000 * 100
    company_id = base
    event = carried_event(company_id, base)
    api.on_identity_carried_over(event)
    api.on_identity_carried_over(event)  # delivered again: nothing more
    api.on_identity_carried_over({**event, "event_id": str(uuid.uuid4())})  # sent again: nothing more
    roles = api.list_roles(company_id)
    assert [(role["id"], role["name"], role["rights"]) for role in roles][-1] == (
        base + 4,
        "Cashier",
        ["take_payments"],
    )
    users = {user["id"]: user for user in api.list_users(company_id)}
    assert set(users) == {base + 7, base + 9}
    assert users[base + 9]["active"] is False and users[base + 9]["staff_member_id"] == 55
    assert users[base + 7]["role"] == "owner" and users[base + 7]["token_version"] == 1

    created = api.create_role(company_id, {"name": "New", "rights": []})
    assert created["id"] > base + 4  # the sequence went past the carried ids
    later = api.create_user(
        company_id, {"name": "New", "email": "new@example.com", "password": "a-good-password", "role_id": created["id"]}
    )
    assert later["id"] > base + 9


def test_a_malformed_event_is_dropped(api):
    event = carried_event(123, 5_000_000_000)
    event["data"]["users"][0]["role_id"] = 1  # a role the event does not hold
    api.on_identity_carried_over(event)
    assert api.list_roles(123) == []


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_new_ids_start_above_scheduling_s_whichever_comes_first(dialect, tmp_path, scheduling):
    def check(url):
        upgrade("accounts", url)
        engine = create_engine_for(url)
        sessions = session_factory(engine)
        service = AccountsService()
        service.uow, service.passwords, service.scheduling = UnitOfWork(sessions), Passwords(), scheduling
        scheduling.high_water = {"roles": 500, "users": 800}
        created = new_company(service)  # before anything was carried over
        assert created["user"]["id"] > 800
        assert min(role["id"] for role in service.list_roles(created["company"]["id"])) > 500
        with sessions() as session:
            assert {row.table_name: row.floor for row in session.scalars(select(IdFloor))} == {
                "roles": 500,
                "users": 800,
            }
        scheduling.high_water = {"roles": 10**9, "users": 10**9}  # asked once only
        service.on_identity_carried_over(carried_event(company_id=77, base=400))  # ids below the floor arrive
        with sessions() as session:
            assert session.get(User, 407).email == "olga@example.com" and session.get(Role, 404).name == "Cashier"
        again = new_company(service)
        assert again["user"]["id"] > created["user"]["id"] and again["user"]["id"] < 10**9
        engine.dispose()

    if dialect == "sqlite":
        check(f"sqlite:///{tmp_path}/accounts.sqlite3")
    else:
        with temporary_database("accounts_ids") as url:
            check(url)


def test_raising_a_sequence_never_lowers_it(uow):
    with uow:
        ids.raise_sequence(uow.session, "users", 1)
        uow.commit()
    with pytest.raises(ValueError):
        ids.raise_sequence(None, "companies", 1)
