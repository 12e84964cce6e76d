"""An installation upgraded to the accounts service: the users and roles scheduling held (before its
migration 0007) reach accounts through scheduling's outbox, relay and broker, and sign in as before,
with their ids, roles and passwords. On SQLite, as `make run` upgrades var/."""

import time
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from cluster import SERVICES, LocalCluster
from sqlalchemy import bindparam, create_engine, text
from support.api import Api

from salon_infra.migrations import upgrade
from salon_infra.testing import temporary_vhost
from salon_infra.types import UtcDateTime

OLD_PASSWORD = "the-password-from-before"
OLD = {"owner": 11, "front_desk": 12, "gone": 13, "owner_role": 21, "cashier_role": 24}


def _before_the_move(url: str) -> int:
    """A company as scheduling's migration 0006 left it, with users and roles; its id."""
    upgrade("scheduling", url, "0006")
    engine = create_engine(url)
    now, hashed = datetime.now(UTC), PasswordHasher().hash(OLD_PASSWORD)  # argon2-cffi's defaults, as scheduling made
    with engine.begin() as connection:
        company_id = connection.execute(
            text("INSERT INTO companies (name, timezone, currency, country, slot_step_minutes, created_at) "
                 "VALUES ('Old Salon', 'Europe/Berlin', 'EUR', 'DE', 15, :now) RETURNING id"
                 ).bindparams(bindparam("now", type_=UtcDateTime())), {"now": now}
        ).scalar()  # fmt: skip
        cashier = (OLD["cashier_role"], "Cashier", False, '["take_payments"]')
        roles = [(OLD["owner_role"], "owner", True, None), (22, "administrator", True, None),
                 (23, "specialist", True, None), cashier]  # fmt: skip
        for role_id, name, built_in, rights in roles:
            connection.execute(
                text("INSERT INTO roles (id, company_id, name, built_in, rights) VALUES (:id, :c, :n, :b, :r)"),
                {"id": role_id, "c": company_id, "n": name, "b": built_in, "r": rights},
            )
        users = [(OLD["owner"], "owner@old.salon", OLD["owner_role"], True),
                 (OLD["front_desk"], "desk@old.salon", OLD["cashier_role"], True),
                 (OLD["gone"], "gone@old.salon", 23, False)]  # fmt: skip
        for user_id, email, role_id, active in users:
            connection.execute(
                text("INSERT INTO users (id, company_id, email, name, password_hash, role_id, active, created_at) "
                     "VALUES (:id, :c, :e, :e, :h, :r, :a, :now)").bindparams(bindparam("now", type_=UtcDateTime())),
                {"id": user_id, "c": company_id, "e": email, "h": hashed, "r": role_id, "a": active, "now": now},
            )  # fmt: skip
    engine.dispose()
    return company_id


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    files = tmp_path_factory.mktemp("upgrade")
    urls = {spec.name: f"sqlite:///{files / spec.name}.sqlite3" for spec in SERVICES}
    company_id = _before_the_move(urls["scheduling"])
    with temporary_vhost() as amqp_uri:
        cluster = LocalCluster(amqp_uri=amqp_uri, database_urls=urls, log_dir=files / "logs",
                               jwt_secret="upgrade-jwt-secret-of-at-least-thirty-two-bytes")  # fmt: skip
        cluster.migrate()  # scheduling 0007 writes the events; accounts starts empty
        cluster.start()
        try:
            yield Api(cluster.gateway_url), company_id, urls
        finally:
            cluster.stop()


def sign_in(public: Api, company_id: int, email: str, password: str = OLD_PASSWORD, wait: float = 0):
    deadline = time.monotonic() + wait
    while True:
        answer = public.post("/api/v1/auth/login", {"company_id": company_id, "email": email, "password": password})
        if answer.status_code != 401 or time.monotonic() >= deadline:
            return answer
        time.sleep(0.3)  # the relay polls SQLite's outbox; accounts writes them as they come


def test_users_from_before_sign_in_with_their_ids_roles_and_passwords(upgraded):
    public, company_id, urls = upgraded
    answer = sign_in(public, company_id, "owner@old.salon", wait=30)
    assert answer.status_code == 200, answer.text
    owner = public.as_staff(answer.json()["access_token"])
    assert answer.json()["user"]["id"] == OLD["owner"] and answer.json()["user"]["role"] == "owner"
    listed = {user["id"]: user for user in owner.ok("GET", "/api/v1/users")}
    assert set(listed) == {OLD["owner"], OLD["front_desk"], OLD["gone"]}
    assert listed[OLD["front_desk"]]["role"] == "Cashier" and listed[OLD["front_desk"]]["rights"] == ["take_payments"]
    assert listed[OLD["gone"]]["active"] is False
    assert sign_in(public, company_id, "gone@old.salon").status_code == 401
    assert sign_in(public, company_id, "desk@old.salon").status_code == 200
    assert owner.ok("GET", "/api/v1/company")["name"] == "Old Salon"

    engine = create_engine(urls["accounts"])  # the hash from before was replaced at sign-in
    with engine.connect() as connection:
        renewed = connection.execute(text("SELECT password_hash FROM users WHERE id = :id"), {"id": OLD["owner"]})
        assert renewed.scalar().startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    engine.dispose()


def test_new_users_and_roles_never_take_an_id_from_before(upgraded):
    public, company_id, _ = upgraded
    owner = public.as_staff(sign_in(public, company_id, "owner@old.salon", wait=30).json()["access_token"])
    role = owner.ok("POST", "/api/v1/roles", {"name": "Reception", "rights": ["manage_settings"]})
    new = {"name": "New", "email": "new@old.salon", "password": "a-good-password", "role_id": role["id"]}
    user = owner.ok("POST", "/api/v1/users", new)
    assert role["id"] > OLD["cashier_role"] and user["id"] > OLD["gone"]
    salon = public.ok("POST", "/api/v1/signup", {
        "company": {"name": "New Salon", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"},
        "owner": {"name": "Nora", "email": "nora@new.salon", "password": "a-good-password"},
    })  # fmt: skip
    assert salon["user"]["id"] > user["id"] and salon["company"]["id"] != company_id
    assert salon["user"]["role"] == "owner"
