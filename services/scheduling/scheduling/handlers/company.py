"""The company profile, its owner with the built-in roles, and logging in."""

from datetime import UTC, datetime

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from salon_infra.database import UnitOfWork
from salon_infra.errors import AuthenticationFailed
from scheduling.domain.rights import OWNER
from scheduling.handlers import lookups, online_booking
from scheduling.handlers.users import create_built_in_roles, hasher
from scheduling.models import Company, User

_unknown_user_hash = hasher.hash("no user has this password")
_WRONG_CREDENTIALS = "wrong email or password"


def create_company(uow: UnitOfWork, company: dict, owner: dict) -> tuple[Company, User]:
    now = datetime.now(UTC)
    with uow:
        new_company = Company(**company, created_at=now)
        uow.session.add(new_company)
        uow.session.flush()
        roles = create_built_in_roles(uow.session, new_company.id)
        user = User(
            company_id=new_company.id,
            email=owner["email"].lower(),
            name=owner["name"],
            password_hash=hasher.hash(owner["password"]),
            role=roles[OWNER],
            staff_member_id=None,
            active=True,
            created_at=now,
        )
        uow.session.add(user)
        uow.commit()
    return new_company, user


def get_company(uow: UnitOfWork, company_id: int) -> Company:
    with uow:
        return lookups.company(uow.session, company_id)


def update_company(uow: UnitOfWork, company_id: int, changes: dict) -> Company:
    with uow:
        company = lookups.company(uow.session, company_id)
        for field, value in changes.items():
            setattr(company, field, value)
        online_booking.hide_disabled_name_fields(uow, company)
        uow.commit()
    return company


def authenticate(uow: UnitOfWork, company_id: int, email: str, password: str) -> User:
    """The active user with these credentials; AuthenticationFailed says nothing about which part was wrong."""
    with uow:
        user = uow.session.scalar(
            select(User).where(User.company_id == company_id, User.email == email.strip().lower())
        )
        if user is None or not user.active:
            _verify(_unknown_user_hash, password)  # spend the same time as for a known user
            raise AuthenticationFailed(_WRONG_CREDENTIALS)
        if not _verify(user.password_hash, password):
            raise AuthenticationFailed(_WRONG_CREDENTIALS)
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
            uow.commit()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
