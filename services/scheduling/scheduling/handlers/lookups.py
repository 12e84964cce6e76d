"""Reading one record of the caller's company, or NotFound."""

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from salon_infra.errors import NotFound
from scheduling.models import Company, ServiceCategory, StaffMember


def company(session: Session, company_id: int) -> Company:
    found = session.get(Company, company_id)
    if found is None:
        raise NotFound(f"company {company_id} not found")
    return found


def zone_of(company_: Company) -> ZoneInfo:
    return ZoneInfo(company_.timezone)  # zoneinfo caches one instance per key


def staff_member(session: Session, company_id: int, staff_member_id: int) -> StaffMember:
    found = session.scalar(
        select(StaffMember).where(StaffMember.company_id == company_id, StaffMember.id == staff_member_id)
    )
    if found is None:
        raise NotFound(f"staff member {staff_member_id} not found")
    return found


def require_staff_member(session: Session, company_id: int, staff_member_id: int) -> None:
    """NotFound unless the staff member is the company's; loads nothing."""
    found = session.scalar(
        select(StaffMember.id).where(StaffMember.company_id == company_id, StaffMember.id == staff_member_id)
    )
    if found is None:
        raise NotFound(f"staff member {staff_member_id} not found")


def category(session: Session, company_id: int, category_id: int) -> ServiceCategory:
    found = session.scalar(
        select(ServiceCategory).where(ServiceCategory.company_id == company_id, ServiceCategory.id == category_id)
    )
    if found is None:
        raise NotFound(f"service category {category_id} not found")
    return found
