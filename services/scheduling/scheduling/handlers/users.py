"""Roles and the users who hold them.

A change may name the user making it (`acting_user_id`): then nobody grants rights they do not
hold themselves, nor changes a user who holds more than they do, read from the database rather
than from the caller's token, which may be hours old.
"""

from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound
from scheduling.domain import rights as rules
from scheduling.handlers import lookups
from scheduling.models import Role, User

hasher = PasswordHasher()


def list_rights() -> list[dict]:
    return [{"name": name, "description": description} for name, description in rules.RIGHTS.items()]


def create_built_in_roles(session: Session, company_id: int) -> dict[str, Role]:
    created = {name: Role(company_id=company_id, name=name, built_in=True) for name in rules.BUILT_IN_ROLES}
    session.add_all(created.values())
    return created


def list_roles(uow: UnitOfWork, company_id: int) -> list[Role]:
    with uow:
        found = uow.session.scalars(select(Role).where(Role.company_id == company_id))
        return sorted(found, key=_role_order)


def create_role(uow: UnitOfWork, company_id: int, role: dict, acting_user_id: int | None = None) -> Role:
    with uow:
        lookups.company(uow.session, company_id)
        _refuse(rules.role_change_problems(False, role["name"], role))
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "rights", role["rights"])
        created = Role(company_id=company_id, name=role["name"], rights=rules.ordered(role["rights"]), built_in=False)
        uow.session.add(created)
        _flush_unique_name(uow.session)
        uow.commit()
    return created


def update_role(
    uow: UnitOfWork, company_id: int, role_id: int, changes: dict, acting_user_id: int | None = None
) -> Role:
    with uow:
        role = _role(uow.session, company_id, role_id)
        _refuse(rules.role_change_problems(role.built_in, role.name, changes))
        granted = changes.get("rights", role.granted_rights)
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "rights", granted)
        if "name" in changes:
            role.name = changes["name"]
        if "rights" in changes and not role.built_in:
            role.rights = rules.ordered(changes["rights"])
        _flush_unique_name(uow.session)
        uow.commit()
    return role


def list_users(uow: UnitOfWork, company_id: int) -> list[User]:
    with uow:
        return list(uow.session.scalars(select(User).where(User.company_id == company_id).order_by(User.name, User.id)))


def get_user(uow: UnitOfWork, company_id: int, user_id: int) -> User:
    with uow:
        return _user(uow.session, company_id, user_id)


def create_user(uow: UnitOfWork, company_id: int, user: dict, acting_user_id: int | None = None) -> User:
    with uow:
        lookups.company(uow.session, company_id)
        role = _role(uow.session, company_id, user["role_id"])
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "role_id", role.granted_rights)
        if user.get("staff_member_id") is not None:
            lookups.require_staff_member(uow.session, company_id, user["staff_member_id"])
        created = User(
            company_id=company_id,
            email=user["email"].lower(),
            name=user["name"],
            password_hash=hasher.hash(user["password"]),
            role=role,
            staff_member_id=user.get("staff_member_id"),
            active=True,
            created_at=datetime.now(UTC),
        )
        uow.session.add(created)
        _flush_unique_email(uow.session)
        uow.commit()
    return created


def update_user(
    uow: UnitOfWork, company_id: int, user_id: int, changes: dict, acting_user_id: int | None = None
) -> User:
    with uow:
        user = _user(uow.session, company_id, user_id)
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "user_id", user.role.granted_rights)
        role = _role(uow.session, company_id, changes["role_id"]) if "role_id" in changes else user.role
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "role_id", role.granted_rights)
        _refuse_losing_last_owner(uow.session, user, role, changes)
        if changes.get("staff_member_id") is not None:
            lookups.require_staff_member(uow.session, company_id, changes["staff_member_id"])
        for field in ("name", "active", "staff_member_id"):
            if field in changes:
                setattr(user, field, changes[field])
        if "password" in changes:
            user.password_hash = hasher.hash(changes["password"])
        user.role = role
        uow.commit()
    return user


def _refuse_losing_last_owner(session: Session, user: User, new_role: Role, changes: dict) -> None:
    is_active_owner = user.active and _is_owner(user.role)
    if not is_active_owner:
        return
    # Lock the company's owner role first: two owners demoting each other at once must not both
    # see the other still in place (PostgreSQL; SQLite writes one at a time anyway).
    session.scalar(select(Role.id).where(Role.id == user.role_id).with_for_update())
    other_owners = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.company_id == user.company_id, User.role_id == user.role_id, User.active, User.id != user.id)
    )
    _refuse(rules.last_owner_problems(is_active_owner, changes, _is_owner(new_role), other_owners))


def _refuse_rights_beyond_actor(
    session: Session, company_id: int, acting_user_id: int | None, field: str, granted: list[str]
) -> None:
    if acting_user_id is None:
        return
    actor = session.scalar(select(User).where(User.company_id == company_id, User.id == acting_user_id))
    held = actor.role.granted_rights if actor is not None and actor.active else []
    if missing := rules.rights_beyond(granted, held):
        raise InvalidInput.field(field, f"Needs rights you do not have: {', '.join(missing)}.")


def _role(session: Session, company_id: int, role_id: int) -> Role:
    found = session.scalar(select(Role).where(Role.company_id == company_id, Role.id == role_id))
    if found is None:
        raise NotFound(f"role {role_id} not found")
    return found


def _user(session: Session, company_id: int, user_id: int) -> User:
    found = session.scalar(select(User).where(User.company_id == company_id, User.id == user_id))
    if found is None:
        raise NotFound(f"user {user_id} not found")
    return found


def _is_owner(role: Role) -> bool:
    return role.built_in and role.name == rules.OWNER


def _role_order(role: Role) -> tuple:
    built_in = list(rules.BUILT_IN_ROLES)
    return (0, built_in.index(role.name), "") if role.built_in else (1, 0, role.name.lower())


def _refuse(problems: dict) -> None:
    if problems:
        raise InvalidInput(f"invalid {', '.join(sorted(problems))}", problems)


def _flush_unique_name(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise InvalidInput.field("name", "Another role of the salon has this name.") from None


def _flush_unique_email(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise InvalidInput.field("email", "Another user of the salon has this email.") from None
