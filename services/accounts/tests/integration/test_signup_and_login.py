"""A salon signs up all or nothing across scheduling and accounts; its users sign in."""

import uuid
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from helpers import new_company
from sqlalchemy import select

from accounts.domain.signup import ABANDONED_AFTER, DISCARDED, DISCARDING, DONE, PENDING
from accounts.handlers import signup as signups
from accounts.models import Role, Signup, User
from salon_infra.errors import AuthenticationFailed, InvalidInput, ServiceUnavailable


def _signup_of(uow, company_id: int) -> Signup:
    with uow:
        return uow.session.scalar(select(Signup).where(Signup.company_id == company_id))


def _roles_of(uow, company_id: int) -> list[str]:
    with uow:
        return list(uow.session.scalars(select(Role.name).where(Role.company_id == company_id).order_by(Role.id)))


def test_a_signup_makes_the_company_in_scheduling_and_its_owner_here(api, uow, scheduling):
    created = new_company(api, slot_step_minutes=30)
    company, user = created["company"], created["user"]
    assert [company] == list(scheduling.companies.values()) and company["slot_step_minutes"] == 30
    assert user["company_id"] == company["id"] and user["role"] == "owner" and user["staff_member_id"] is None
    assert user["email"] == user["email"].lower() and "password" not in user and user["token_version"] == 1
    assert _roles_of(uow, company["id"]) == ["owner", "administrator", "specialist"]
    assert _signup_of(uow, company["id"]).state == DONE


def test_a_company_scheduling_refuses_is_named_and_nothing_is_kept(api, uow, scheduling):
    with pytest.raises(InvalidInput) as problem:
        new_company(api, name="")
    assert problem.value.errors == {"company": {"name": ["Missing data for required field."]}}
    assert scheduling.companies == {}
    with uow:
        states = set(uow.session.scalars(select(Signup.state).where(Signup.company_id.is_(None))))
    assert PENDING not in states and DISCARDED in states


def test_a_bad_owner_is_refused_before_scheduling_is_asked(api, scheduling):
    company = {"name": "S", "timezone": "UTC", "currency": "EUR", "country": "DE"}
    with pytest.raises(InvalidInput) as problem:
        api.signup(company, {"name": "O", "email": "o@example.com", "password": "short"})
    assert problem.value.errors == {"owner": {"password": ["Length must be between 8 and 200."]}}
    with pytest.raises(InvalidInput) as problem:
        api.signup("a company", {"name": "O", "email": "o@example.com", "password": "long enough"})
    assert list(problem.value.errors) == ["company"]
    assert scheduling.companies == {}


def test_when_the_owner_cannot_be_written_the_company_is_discarded_at_once(api, uow, scheduling):
    taken = new_company(api)["company"]["id"]
    scheduling.next_company_id = taken  # its built-in roles exist here already: the owner's transaction fails
    with pytest.raises(Exception, match=r"uq_roles_company_name|UNIQUE|duplicate"):
        new_company(api)
    assert [company["id"] for company in scheduling.companies.values()] == [taken]  # the second one is gone
    with uow:
        failed = uow.session.scalars(select(Signup).where(Signup.state == DISCARDED)).all()
    assert failed and _roles_of(uow, taken) == ["owner", "administrator", "specialist"]


def test_a_signup_whose_answer_was_lost_is_undone_by_the_sweep(api, uow, scheduling):
    scheduling.lose_answer = True
    with pytest.raises(ServiceUnavailable):
        new_company(api)
    ((key, company),) = scheduling.companies.items()
    with uow:
        assert uow.session.get(Signup, key).state == PENDING
    assert signups.discard_abandoned(uow, scheduling) == 0  # still within its caller's time
    assert scheduling.companies == {key: company}

    later = datetime.now(UTC) + ABANDONED_AFTER
    assert signups.discard_abandoned(uow, scheduling, later) == 1
    assert scheduling.companies == {}
    with uow:
        assert uow.session.get(Signup, key).state == DISCARDED
    assert signups.discard_abandoned(uow, scheduling, later) == 0
    assert not list(_roles_of(uow, company["id"]))


def test_a_sweep_that_could_not_reach_scheduling_finishes_later(api, uow, scheduling):
    scheduling.lose_answer = True
    with pytest.raises(ServiceUnavailable):
        new_company(api)
    ((key, _),) = scheduling.companies.items()
    later = datetime.now(UTC) + ABANDONED_AFTER

    class Away:
        def discard_company(self, signup_key):
            raise ServiceUnavailable("scheduling is away")

    assert signups.discard_abandoned(uow, Away(), later) == 0
    with uow:
        assert uow.session.get(Signup, key).state == DISCARDING
    assert signups.discard_abandoned(uow, scheduling, datetime.now(UTC)) == 1  # taken already: no need to wait
    assert scheduling.companies == {}


def test_authenticate(api):
    created = new_company(api)
    company_id, email = created["company"]["id"], created["user"]["email"]
    assert api.authenticate(company_id, email.upper(), "correct horse") == created["user"]
    for company, address, password in [
        (company_id, email, "wrong horse"),
        (company_id, "nobody@example.com", "correct horse"),
        (company_id + 1000000, email, "correct horse"),
    ]:
        with pytest.raises(AuthenticationFailed) as failure:
            api.authenticate(company, address, password)
        assert str(failure.value) == "wrong email or password"


def test_an_inactive_user_cannot_log_in(api, uow):
    created = new_company(api)
    with uow:
        uow.session.get(User, created["user"]["id"]).active = False
        uow.commit()
    with pytest.raises(AuthenticationFailed, match="wrong email or password"):
        api.authenticate(created["company"]["id"], created["user"]["email"], "correct horse")


def test_a_hash_made_with_other_parameters_is_replaced_at_sign_in(api, uow):
    created = new_company(api)
    user_id = created["user"]["id"]
    old = PasswordHasher().hash("correct horse")  # scheduling's hashes: argon2-cffi's defaults (m=64 MiB, t=3, p=4)
    with uow:
        uow.session.get(User, user_id).password_hash = old
        uow.commit()
    signed_in = api.authenticate(created["company"]["id"], created["user"]["email"], "correct horse")
    assert signed_in["token_version"] == 1  # the same password: nobody is signed out
    with uow:
        renewed = uow.session.get(User, user_id).password_hash
    assert renewed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert api.authenticate(created["company"]["id"], created["user"]["email"], "correct horse")["id"] == user_id
    with pytest.raises(AuthenticationFailed):
        api.authenticate(created["company"]["id"], created["user"]["email"], "wrong horse")


def test_a_sign_in_never_writes_over_a_password_changed_meanwhile(api, uow, passwords):
    from accounts.handlers.login import _rehash

    created = new_company(api)
    user_id = created["user"]["id"]
    with uow:
        user = uow.session.get(User, user_id)
    stale = User(id=user.id, password_hash=f"{user.password_hash}-as-read-before")
    _rehash(uow, passwords, stale, "correct horse")
    with uow:
        assert uow.session.get(User, user_id).password_hash == user.password_hash


def test_signup_keys_are_unique(api, uow):
    new_company(api)
    new_company(api)
    with uow:
        keys = list(uow.session.scalars(select(Signup.key).order_by(Signup.created_at.desc()).limit(2)))
    assert len(set(keys)) == 2 and all(uuid.UUID(key) for key in keys)
