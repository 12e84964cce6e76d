"""Users and roles that lived in scheduling until its migration 0007, which sent them as one
`identity_carried_over` event per company through its outbox. Each is written here once, with
its ids, however often the event comes."""

from datetime import datetime

from sqlalchemy import select

from accounts.handlers import ids
from accounts.models import Role, User
from salon_infra.database import UnitOfWork

CONSUMER = "accounts.carry_over"


def carry_over(uow: UnitOfWork, event_id: str, company_id: int, roles: list[dict], users: list[dict]) -> int:
    """Write the company's roles and users that are not here yet; how many rows were written."""
    with uow:
        if not uow.claim_event(event_id, CONSUMER):
            return 0
        session = uow.session
        have_roles = set(session.scalars(select(Role.id).where(Role.company_id == company_id)))
        have_users = set(session.scalars(select(User.id).where(User.company_id == company_id)))
        new_roles = [role for role in roles if role["id"] not in have_roles]
        new_users = [user for user in users if user["id"] not in have_users]
        session.add_all(
            Role(id=role["id"], company_id=company_id, name=role["name"], rights=role["rights"],
                 built_in=role["built_in"])
            for role in new_roles
        )  # fmt: skip
        session.flush()
        session.add_all(
            User(id=user["id"], company_id=company_id, email=user["email"].lower(), name=user["name"],
                 password_hash=user["password_hash"], role_id=user["role_id"],
                 staff_member_id=user["staff_member_id"], active=user["active"], token_version=1,
                 created_at=_instant(user["created_at"]))
            for user in new_users
        )  # fmt: skip
        session.flush()
        if roles:
            ids.raise_sequence(session, "roles", max(role["id"] for role in roles))
        if users:
            ids.raise_sequence(session, "users", max(user["id"] for user in users))
        uow.commit()
    return len(new_roles) + len(new_users)


def _instant(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
