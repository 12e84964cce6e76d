"""Roles and the users who hold them.

A change may name the user making it (`acting_user_id`): then nobody grants rights they do not
hold themselves, nor changes a user who holds more than they do, read from the database rather
than from the caller's token. A change that alters who a user is or what they may do bumps their
`token_version` (domain.tokens), which ends their sign-ins; a role's new rights or name bumps
every user holding it.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from accounts.domain import rights as rules
from accounts.domain import tokens
from accounts.handlers import common, ids
from accounts.models import Role, User
from accounts.passwords import Passwords
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput

_NAME_TAKEN = "Another role of the salon has this name."
_EMAIL_TAKEN = "Another user of the salon has this email."


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


def create_role(
    uow: UnitOfWork, high_water: Callable, company_id: int, role: dict, acting_user_id: int | None = None
) -> Role:
    ids.ensure_floors(uow, high_water)
    with uow:
        common.require_company(uow.session, company_id)
        common.refuse(rules.role_change_problems(False, role["name"], role))
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "rights", role["rights"])
        created = Role(company_id=company_id, name=role["name"], rights=rules.ordered(role["rights"]), built_in=False)
        uow.session.add(created)
        common.flush_unique(uow.session, "name", _NAME_TAKEN)
        uow.commit()
    return created


def update_role(
    uow: UnitOfWork, company_id: int, role_id: int, changes: dict, acting_user_id: int | None = None
) -> Role:
    with uow:
        role = common.role(uow.session, company_id, role_id)
        common.refuse(rules.role_change_problems(role.built_in, role.name, changes))
        granted = changes.get("rights", role.granted_rights)
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "rights", granted)
        revokes = tokens.role_change_revokes(role.name, role.granted_rights, changes)
        if "name" in changes:
            role.name = changes["name"]
        if "rights" in changes and not role.built_in:
            role.rights = rules.ordered(changes["rights"])
        common.flush_unique(uow.session, "name", _NAME_TAKEN)
        if revokes:
            uow.session.execute(
                update(User)
                .where(User.company_id == company_id, User.role_id == role.id)
                .values(token_version=User.token_version + 1)
            )
        uow.commit()
    return role


def list_users(uow: UnitOfWork, company_id: int) -> list[User]:
    with uow:
        return list(uow.session.scalars(select(User).where(User.company_id == company_id).order_by(User.name, User.id)))


def get_user(uow: UnitOfWork, company_id: int, user_id: int) -> User:
    with uow:
        return common.user(uow.session, company_id, user_id)


def token_state(uow: UnitOfWork, company_id: int, user_id: int) -> dict:
    """What the gateway checks a token against: the user's token version, None when the user is
    switched off or unknown (every token of theirs fails)."""
    with uow:
        found = uow.session.execute(
            select(User.token_version, User.active).where(User.company_id == company_id, User.id == user_id)
        ).first()
    version = found.token_version if found is not None and found.active else None
    return {"user_id": user_id, "token_version": version}


def create_user(
    uow: UnitOfWork,
    passwords: Passwords,
    scheduling,
    company_id: int,
    user: dict,
    acting_user_id: int | None = None,
) -> User:
    """`scheduling` confirms the staff member to link is the company's (NotFound otherwise)."""
    if user.get("staff_member_id") is not None:
        scheduling.get_staff_member(company_id, user["staff_member_id"])
    password_hash = passwords.hash(user["password"], uow.deadline)
    ids.ensure_floors(uow, scheduling.identity_high_water)
    with uow:
        common.require_company(uow.session, company_id)
        role = common.role(uow.session, company_id, user["role_id"])
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "role_id", role.granted_rights)
        created = User(
            company_id=company_id,
            email=user["email"].lower(),
            name=user["name"],
            password_hash=password_hash,
            role=role,
            staff_member_id=user.get("staff_member_id"),
            active=True,
            token_version=1,
            created_at=datetime.now(UTC),
        )
        uow.session.add(created)
        common.flush_unique(uow.session, "email", _EMAIL_TAKEN)
        uow.commit()
    return created


def update_user(
    uow: UnitOfWork,
    passwords: Passwords,
    scheduling,
    company_id: int,
    user_id: int,
    changes: dict,
    acting_user_id: int | None = None,
) -> User:
    if changes.get("staff_member_id") is not None:
        scheduling.get_staff_member(company_id, changes["staff_member_id"])
    password_hash = passwords.hash(changes["password"], uow.deadline) if "password" in changes else None
    with uow:
        user = common.user(uow.session, company_id, user_id)
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "user_id", user.role.granted_rights)
        role = common.role(uow.session, company_id, changes["role_id"]) if "role_id" in changes else user.role
        _refuse_rights_beyond_actor(uow.session, company_id, acting_user_id, "role_id", role.granted_rights)
        _refuse_losing_last_owner(uow.session, user, role, changes)
        before = {"active": user.active, "role_id": user.role_id, "staff_member_id": user.staff_member_id}
        if tokens.user_change_revokes(before, changes):
            user.token_version += 1
        for field in ("name", "active", "staff_member_id"):
            if field in changes:
                setattr(user, field, changes[field])
        if password_hash is not None:
            user.password_hash = password_hash
        user.role = role
        uow.commit()
    return user


def _refuse_losing_last_owner(session: Session, user: User, new_role: Role, changes: dict) -> None:
    is_active_owner = user.active and common.is_owner(user.role)
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
    common.refuse(rules.last_owner_problems(is_active_owner, changes, common.is_owner(new_role), other_owners))


def _refuse_rights_beyond_actor(
    session: Session, company_id: int, acting_user_id: int | None, field: str, granted: list[str]
) -> None:
    if acting_user_id is None:
        return
    actor = session.scalar(select(User).where(User.company_id == company_id, User.id == acting_user_id))
    held = actor.role.granted_rights if actor is not None and actor.active else []
    if missing := rules.rights_beyond(granted, held):
        raise InvalidInput.field(field, f"Needs rights you do not have: {', '.join(missing)}.")


def _role_order(role: Role) -> tuple:
    built_in = list(rules.BUILT_IN_ROLES)
    return (0, built_in.index(role.name), "") if role.built_in else (1, 0, role.name.lower())
