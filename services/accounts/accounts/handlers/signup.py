"""Signing up a salon: the company in scheduling, its owner and roles here, all or nothing
(domain.signup explains the steps)."""

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from accounts.domain import rights as rules
from accounts.domain.signup import ABANDONED_AFTER, DISCARDED, DISCARDING, DONE, PENDING, is_abandoned
from accounts.handlers import common, ids
from accounts.handlers.users import create_built_in_roles
from accounts.models import Signup, User
from accounts.passwords import Passwords
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, ServiceError, ServiceUnavailable

log = logging.getLogger(__name__)


def signup(uow: UnitOfWork, passwords: Passwords, scheduling, company: dict, owner: dict) -> tuple[dict, User]:
    """The company as scheduling made it, and its owner. `company` is checked by scheduling (which
    names its problems under `company`), `owner` has been checked by the caller."""
    password_hash = passwords.hash(owner["password"], uow.deadline)
    ids.ensure_floors(uow, scheduling.identity_high_water)
    key, now = uuid.uuid4().hex, datetime.now(UTC)
    with uow:
        uow.session.add(Signup(key=key, state=PENDING, created_at=now, updated_at=now))
        uow.commit()
    try:
        created = scheduling.create_company(company, key)
    except InvalidInput:  # scheduling made nothing, and named the company's fields at fault
        _set_state(common.patient(uow), key, DISCARDED)
        raise
    # Any other failure leaves the signup pending: scheduling may have made the company (a lost
    # answer), and the sweep discards it.
    try:
        with uow:
            pending = _locked(uow, key)
            if pending.state != PENDING:
                raise ServiceUnavailable("the signup took too long and was undone; sign up again")
            roles = create_built_in_roles(uow.session, created["id"])
            user = User(
                company_id=created["id"],
                email=owner["email"].lower(),
                name=owner["name"],
                password_hash=password_hash,
                role=roles[rules.OWNER],
                staff_member_id=None,
                active=True,
                token_version=1,
                created_at=now,
            )
            uow.session.add(user)
            pending.state, pending.company_id, pending.updated_at = DONE, created["id"], datetime.now(UTC)
            uow.commit()
    except BaseException:
        _discard_quietly(uow, scheduling, key)
        raise
    return created, user


def discard_abandoned(uow: UnitOfWork, scheduling, now: datetime | None = None) -> int:
    """Discard the company of every abandoned signup (domain.signup.is_abandoned); how many were."""
    now = now or datetime.now(UTC)
    with uow:
        candidates = uow.session.execute(
            select(Signup.key, Signup.state, Signup.created_at)
            .where(
                (Signup.state == DISCARDING)
                | ((Signup.state == PENDING) & (Signup.created_at <= now - ABANDONED_AFTER))
            )
            .order_by(Signup.created_at)
            .limit(100)
        ).all()
    discarded = 0
    for key, state, created_at in candidates:
        if not is_abandoned(state, created_at, now):
            continue
        try:
            discarded += discard(uow, scheduling, key, now)
        except ServiceError as problem:  # scheduling away: the next sweep tries again
            log.warning("could not discard the company of signup %s yet: %s", key, problem)
    return discarded


def discard(uow: UnitOfWork, scheduling, key: str, now: datetime | None = None) -> bool:
    """Take the signup (unless done) and discard its company in scheduling by its key; False when it
    was done or discarded already."""
    now = now or datetime.now(UTC)
    with uow:
        taken = _locked(uow, key)
        if taken is None or taken.state in (DONE, DISCARDED):
            return False
        taken.state, taken.updated_at = DISCARDING, now
        uow.commit()
    scheduling.discard_company(key)
    _set_state(uow, key, DISCARDED)
    log.info("signup %s undone: its company was discarded", key)
    return True


def _discard_quietly(uow: UnitOfWork, scheduling, key: str) -> None:
    try:
        discard(common.patient(uow), scheduling, key)
    except Exception as problem:  # the sweep will do it
        log.warning("signup %s failed and its company is not discarded yet: %s", key, problem)


def _set_state(uow: UnitOfWork, key: str, state: str) -> None:
    with uow:
        row = _locked(uow, key)
        row.state, row.updated_at = state, datetime.now(UTC)
        uow.commit()


def _locked(uow: UnitOfWork, key: str) -> Signup | None:
    return uow.session.scalar(select(Signup).where(Signup.key == key).with_for_update())
