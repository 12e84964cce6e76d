"""The company profile: made (under the accounts service's signup key), read, changed, or discarded
when its signup could not finish."""

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict
from scheduling.handlers import lookups, online_booking
from scheduling.models import Company, IdentityMovedOut, OnlineBookingSettings


def create_company(uow: UnitOfWork, company: dict, signup_key: str | None = None) -> Company:
    """The new company; with a `signup_key` already used, the company made under it (a signup's
    request delivered twice makes one company)."""
    if signup_key is not None and (made := _made_under(uow, signup_key)) is not None:
        return made
    with uow:
        new_company = Company(**company, signup_key=signup_key, created_at=datetime.now(UTC))
        uow.session.add(new_company)
        try:
            uow.commit()
        except IntegrityError:  # the same key at the same moment: the other one made it
            if signup_key is None:
                raise
        else:
            return new_company
    return _made_under(uow, signup_key)


def discard_company(uow: UnitOfWork, signup_key: str) -> bool:
    """Remove the company made under `signup_key`; False when there is none (never made, or gone).
    Its signup never gave it an owner, so nobody can have added anything to it."""
    with uow:
        company = uow.session.scalar(select(Company).where(Company.signup_key == signup_key).with_for_update())
        if company is None:
            return False
        company_id = company.id
        uow.session.execute(delete(OnlineBookingSettings).where(OnlineBookingSettings.company_id == company_id))
        uow.session.delete(company)
        try:
            uow.session.flush()
        except IntegrityError:
            raise Conflict(f"company {company_id} is in use and is kept") from None
        uow.commit()
    return True


def identity_high_water(uow: UnitOfWork) -> dict:
    with uow:
        moved = uow.session.get(IdentityMovedOut, 1)
    return {"roles": moved.roles_high_water, "users": moved.users_high_water} if moved else {"roles": 0, "users": 0}


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


def _made_under(uow: UnitOfWork, signup_key: str) -> Company | None:
    with uow:
        return uow.session.scalar(select(Company).where(Company.signup_key == signup_key))
