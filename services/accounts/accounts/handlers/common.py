"""Reading one record of the caller's company, or NotFound; the refusals handlers share."""

import copy

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.domain import rights as rules
from accounts.models import Role, User
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound


def require_company(session: Session, company_id: int) -> None:
    """NotFound unless the company has signed up here: every company has its built-in roles."""
    if not session.scalar(select(exists().where(Role.company_id == company_id, Role.built_in))):
        raise NotFound(f"company {company_id} not found")


def role(session: Session, company_id: int, role_id: int, *, for_update: bool = False) -> Role:
    query = select(Role).where(Role.company_id == company_id, Role.id == role_id)
    found = session.scalar(query.with_for_update() if for_update else query)
    if found is None:
        raise NotFound(f"role {role_id} not found")
    return found


def user(session: Session, company_id: int, user_id: int) -> User:
    found = session.scalar(select(User).where(User.company_id == company_id, User.id == user_id))
    if found is None:
        raise NotFound(f"user {user_id} not found")
    return found


def is_owner(role_: Role) -> bool:
    return role_.built_in and role_.name == rules.OWNER


def refuse(problems: dict) -> None:
    if problems:
        raise InvalidInput(f"invalid {', '.join(sorted(problems))}", problems)


def flush_unique(session: Session, field: str, problem: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise InvalidInput.field(field, problem) from None


def patient(uow: UnitOfWork) -> UnitOfWork:
    """The same database without the caller's deadline: for undoing what a failed call began, which
    must happen even after the caller gave up."""
    undo = copy.copy(uow)
    undo.deadline, undo.session = None, None
    return undo
