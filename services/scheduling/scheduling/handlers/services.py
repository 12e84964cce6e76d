"""Service categories, services, and who performs them."""

from sqlalchemy import select

from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound
from scheduling.handlers import lookups
from scheduling.models import Service, ServiceCategory, StaffMember, StaffService


def list_service_categories(uow: UnitOfWork, company_id: int) -> list[ServiceCategory]:
    query = select(ServiceCategory).where(ServiceCategory.company_id == company_id)
    with uow:
        return list(uow.session.scalars(query.order_by(ServiceCategory.title, ServiceCategory.id)))


def create_service_category(uow: UnitOfWork, company_id: int, category: dict) -> ServiceCategory:
    with uow:
        lookups.company(uow.session, company_id)
        created = ServiceCategory(company_id=company_id, **category)
        uow.session.add(created)
        uow.commit()
    return created


def update_service_category(uow: UnitOfWork, company_id: int, category_id: int, changes: dict) -> ServiceCategory:
    with uow:
        category = lookups.category(uow.session, company_id, category_id)
        for field, value in changes.items():
            setattr(category, field, value)
        uow.commit()
    return category


def list_services(
    uow: UnitOfWork, company_id: int, bookable_online: bool | None = None, include_inactive: bool = False
) -> list[Service]:
    query = select(Service).where(Service.company_id == company_id)
    if bookable_online is not None:
        query = query.where(Service.bookable_online.is_(bookable_online))
    if not include_inactive:
        query = query.where(Service.active.is_(True))
    with uow:
        return list(uow.session.scalars(query.order_by(Service.title, Service.id)))


def get_service(uow: UnitOfWork, company_id: int, service_id: int) -> Service:
    with uow:
        return _service(uow, company_id, service_id)


def create_service(uow: UnitOfWork, company_id: int, service: dict) -> Service:
    fields = dict(service)
    staff = fields.pop("staff")
    if fields["price_max"] is None:
        fields["price_max"] = fields["price_min"]
    with uow:
        lookups.company(uow.session, company_id)
        _check_category(uow, company_id, fields["category_id"])
        created = Service(company_id=company_id, **fields, staff=[])
        _assign_staff(uow, created, staff)
        uow.session.add(created)
        uow.commit()
    return created


def update_service(uow: UnitOfWork, company_id: int, service_id: int, changes: dict) -> Service:
    fields = dict(changes)
    staff = fields.pop("staff", None)
    with uow:
        service = _service(uow, company_id, service_id)
        if fields.get("category_id") is not None:
            _check_category(uow, company_id, fields["category_id"])
        for field, value in fields.items():
            setattr(service, field, value)
        if service.price_max < service.price_min:
            raise InvalidInput.field("price_max", "Must not be below price_min.")
        if staff is not None:
            _assign_staff(uow, service, staff)
        uow.commit()
    return service


def _service(uow: UnitOfWork, company_id: int, service_id: int) -> Service:
    found = uow.session.scalar(select(Service).where(Service.company_id == company_id, Service.id == service_id))
    if found is None:
        raise NotFound(f"service {service_id} not found")
    return found


def _check_category(uow: UnitOfWork, company_id: int, category_id: int | None) -> None:
    if category_id is None:
        return
    try:
        lookups.category(uow.session, company_id, category_id)
    except NotFound:
        raise InvalidInput.field("category_id", f"No service category {category_id}.") from None


def _assign_staff(uow: UnitOfWork, service: Service, staff: list[dict]) -> None:
    """Make `staff` the service's performers: durations updated in place, others added or removed."""
    wanted = {assignment["staff_member_id"]: assignment["duration_minutes"] for assignment in staff}
    known = set(
        uow.session.scalars(
            select(StaffMember.id).where(StaffMember.company_id == service.company_id, StaffMember.id.in_(list(wanted)))
        )
    )
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InvalidInput.field("staff", f"No staff member {', '.join(map(str, unknown))}.")
    kept = []
    for assignment in service.staff:
        if assignment.staff_member_id in wanted:
            assignment.duration_minutes = wanted.pop(assignment.staff_member_id)
            kept.append(assignment)
    added = [
        StaffService(company_id=service.company_id, staff_member_id=staff_member_id, duration_minutes=duration)
        for staff_member_id, duration in wanted.items()
    ]
    service.staff = sorted(kept + added, key=lambda assignment: assignment.staff_member_id)
