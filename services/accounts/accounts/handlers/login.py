"""Signing in. The hashes are computed off the event loop (accounts.passwords), and no database
connection is held while they are."""

from sqlalchemy import select, update

from accounts.models import User
from accounts.passwords import Passwords
from salon_infra.database import UnitOfWork
from salon_infra.errors import AuthenticationFailed

_WRONG_CREDENTIALS = "wrong email or password"


def authenticate(uow: UnitOfWork, passwords: Passwords, company_id: int, email: str, password: str) -> User:
    """The active user with these credentials; AuthenticationFailed says nothing about which part was
    wrong, and takes as long for an unknown email as for a wrong password. A hash made with other
    parameters than today's is replaced by one made with them."""
    with uow:
        user = uow.session.scalar(
            select(User).where(User.company_id == company_id, User.email == email.strip().lower())
        )
    if user is None or not user.active:
        passwords.spend_a_verify(password, uow.deadline)
        raise AuthenticationFailed(_WRONG_CREDENTIALS)
    if not passwords.verify(user.password_hash, password, uow.deadline):
        raise AuthenticationFailed(_WRONG_CREDENTIALS)
    if passwords.needs_rehash(user.password_hash):
        _rehash(uow, passwords, user, password)
    return user


def _rehash(uow: UnitOfWork, passwords: Passwords, user: User, password: str) -> None:
    new_hash = passwords.hash(password, uow.deadline)
    with uow:
        # Only over the hash just verified: a password changed meanwhile stays changed.
        uow.session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(password_hash=new_hash)
        )
        uow.commit()
    user.password_hash = new_hash
