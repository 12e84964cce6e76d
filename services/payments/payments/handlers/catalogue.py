"""What a salon sets up for its till: cash desks, products, storages, membership and gift-card
types, and bills of materials. Per company, the titles of cash desks, storages and card types are
unique, and so are products' articles and barcodes when given; products' titles are not (two
products may share one: the article or barcode tells them apart). The database says so: Conflict
naming the field."""

from payments import repository
from payments.domain.cards import GiftCardType, MembershipType
from payments.domain.model import BillOfMaterials, CashDesk, MaterialItem
from payments.domain.stock import Product, Storage
from payments.handlers.common import now
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput

KINDS = {"product": Product, "storage": Storage, "membership_type": MembershipType, "gift_card_type": GiftCardType}


def list_records(uow: UnitOfWork, record_class, company_id: int, *, active_only=False) -> list:
    with uow:
        return repository.all_of(uow.session, record_class, company_id, active_only=active_only)


def get_record(uow: UnitOfWork, record_class, company_id: int, record_id: int):
    with uow:
        return repository.get(uow.session, record_class, company_id, record_id)


def create_record(uow: UnitOfWork, record_class, company_id: int, fields: dict):
    """A product, storage, membership type or gift-card type; the domain checks its own rules."""
    with uow:
        extra = {"created_at": now()} if record_class is Product else {}
        record = record_class(company_id=company_id, **fields, **extra)
        uow.session.add(record)
        repository.flush(uow.session)
        uow.commit()
    return record


def update_record(uow: UnitOfWork, record_class, company_id: int, record_id: int, changes: dict):
    with uow:
        record = repository.get(uow.session, record_class, company_id, record_id, for_update=True)
        for name, value in changes.items():
            setattr(record, name, value)
        if hasattr(record, "check"):
            record.check()
        repository.flush(uow.session)
        uow.commit()
    return record


# ---------------------------------------------------------------- cash desks


def list_cash_desks(uow: UnitOfWork, company_id: int) -> list[CashDesk]:
    with uow:
        return repository.cash_desks(uow.session, company_id)


def create_cash_desk(uow: UnitOfWork, company_id: int, fields: dict) -> CashDesk:
    """The first desk of its kind is its default; a new default takes over from the old one."""
    with uow:
        session = uow.session
        kind = fields["kind"]
        first = not any(desk.kind == kind for desk in repository.cash_desks(session, company_id))
        desk = CashDesk(company_id, fields["title"], kind, is_default=fields.get("is_default", False) or first)
        if desk.is_default:
            repository.clear_default_desk(session, company_id, kind)
        session.add(desk)
        repository.flush(session)
        uow.commit()
    return desk


def update_cash_desk(uow: UnitOfWork, company_id: int, desk_id: int, changes: dict) -> CashDesk:
    with uow:
        session = uow.session
        desk = repository.get(session, CashDesk, company_id, desk_id, for_update=True)
        if "title" in changes:
            desk.title = changes["title"]
        if changes.get("active") is False:
            desk.active, desk.is_default = False, False
        elif changes.get("active") is True:
            desk.active = True
        if changes.get("is_default") is True:
            if not desk.active:
                raise InvalidInput.field("is_default", "Switch the cash desk on first.")
            repository.clear_default_desk(session, company_id, desk.kind, keep_id=desk.id)
            session.flush()
            desk.is_default = True
        elif changes.get("is_default") is False:
            desk.is_default = False
        repository.flush(session)
        uow.commit()
    return desk


# ---------------------------------------------------------------- bills of materials


def list_bills_of_materials(uow: UnitOfWork, company_id: int, service_id: int | None = None) -> list:
    with uow:
        return repository.bills_of_materials(uow.session, company_id, None if service_id is None else [service_id])


def set_bill_of_materials(uow: UnitOfWork, company_id: int, fields: dict) -> BillOfMaterials | None:
    """What a service uses up (for one staff member, or for all): the items replace the old ones;
    no items removes it. Each product must be the company's, each storage one for services."""
    items = [MaterialItem(**item) for item in fields["items"]]
    with uow:
        session = uow.session
        problems = {}
        for position, item in enumerate(items):
            try:
                repository.get(session, Product, company_id, item.product_id, field="product_id")
                if item.storage_id is not None:
                    storage = repository.get(session, Storage, company_id, item.storage_id, field="storage_id")
                    storage.require("services")
            except InvalidInput as problem:
                problems[str(position)] = problem.errors
        if problems:
            raise InvalidInput("invalid items", {"items": problems})
        staff_member_id = fields.get("staff_member_id")
        current = next((bom for bom in repository.bills_of_materials(session, company_id, [fields["service_id"]])
                        if bom.staff_member_id == staff_member_id), None)  # fmt: skip
        if not items:
            if current is not None:
                session.delete(current)
            uow.commit()
            return None
        stored = [{"product_id": i.product_id, "quantity": i.quantity, "storage_id": i.storage_id} for i in items]
        if current is None:
            current = BillOfMaterials(company_id, fields["service_id"], stored, staff_member_id)
            session.add(current)
        else:
            current.items = stored
        repository.flush(session)
        uow.commit()
    return current
