"""Staff members."""

from datetime import UTC, datetime

from sqlalchemy import select

from salon_infra.database import UnitOfWork
from scheduling.handlers import lookups
from scheduling.models import StaffMember, StaffService


def list_staff(
    uow: UnitOfWork,
    company_id: int,
    service_id: int | None = None,
    bookable_online: bool | None = None,
    include_inactive: bool = False,
) -> list[StaffMember]:
    query = select(StaffMember).where(StaffMember.company_id == company_id)
    if service_id is not None:
        query = query.join(StaffService, StaffService.staff_member_id == StaffMember.id).where(
            StaffService.company_id == company_id, StaffService.service_id == service_id
        )
    if bookable_online is not None:
        query = query.where(StaffMember.bookable_online.is_(bookable_online))
    if not include_inactive:
        query = query.where(StaffMember.active.is_(True))
    with uow:
        return list(uow.session.scalars(query.order_by(StaffMember.name, StaffMember.id)))


def get_staff_member(uow: UnitOfWork, company_id: int, staff_member_id: int) -> StaffMember:
    with uow:
        return lookups.staff_member(uow.session, company_id, staff_member_id)


def create_staff_member(uow: UnitOfWork, company_id: int, staff_member: dict) -> StaffMember:
    with uow:
        lookups.company(uow.session, company_id)
        created = StaffMember(company_id=company_id, **staff_member, created_at=datetime.now(UTC), assignments=[])
        uow.session.add(created)
        uow.commit()
    return created


def update_staff_member(uow: UnitOfWork, company_id: int, staff_member_id: int, changes: dict) -> StaffMember:
    with uow:
        staff_member = lookups.staff_member(uow.session, company_id, staff_member_id)
        for field, value in changes.items():
            setattr(staff_member, field, value)
        uow.commit()
    return staff_member
