"""Every query the payments handlers make, scoped by company, and the database's own refusals
(stock below zero, a code taken, a second default desk...) turned into the service's conflicts."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from payments import models
from payments.domain.cards import GiftCard, GiftCardType, Membership, MembershipType
from payments.domain.model import Bill, BillOfMaterials, CashDesk, Payment
from payments.domain.stock import Product, StockMovement, Storage
from salon_infra.errors import Conflict, InvalidInput, NotFound

# What each refusal of the database is, told by the constraint's name (PostgreSQL) or the columns
# it names (SQLite), and the conflict the caller gets for it.
REFUSALS = (
    ((models.STOCK_BELOW_ZERO,), lambda: Conflict.field("quantity", "Not that many in stock.")),
    ((models.ONE_REVERSAL, "stock_movements.reverses_id"), lambda: AlreadyReversed()),
    ((models.CODE_TAKEN, "card_codes.company_id"), lambda: Conflict.field("code", "This code is already taken.")),
    ((models.GIFT_CARD_BALANCE,), lambda: Conflict.field("amount", "Not that much is left on this gift card.")),
    ((models.MEMBERSHIP_USES,), lambda: Conflict.field("code", "This membership has no uses left.")),
    ((models.ONE_DEFAULT_DESK, "cash_desks.company_id, cash_desks.kind"),
     lambda: Conflict.field("is_default", "Another cash desk of this kind became the default meanwhile.")),
    (("uq_cash_desks_title", "cash_desks.company_id, cash_desks.title"),
     lambda: Conflict.field("title", "A cash desk has this title already.")),
    (("uq_storages_title", "storages.company_id, storages.title"),
     lambda: Conflict.field("title", "A storage has this title already.")),
    (("uq_products_article", "products.company_id, products.article"),
     lambda: Conflict.field("article", "Another product has this article.")),
    (("uq_products_barcode", "products.company_id, products.barcode"),
     lambda: Conflict.field("barcode", "Another product has this barcode.")),
    (("uq_membership_types_title", "membership_types.company_id, membership_types.title"),
     lambda: Conflict.field("title", "A membership type has this title already.")),
    (("uq_gift_card_types_title", "gift_card_types.company_id, gift_card_types.title"),
     lambda: Conflict.field("title", "A gift-card type has this title already.")),
    (("pk_idempotent_requests", "idempotent_requests.company_id"), lambda: _SameKeyRacing()),
)  # fmt: skip


class _SameKeyRacing(Exception):
    """Another request under the same Idempotency-Key committed first: look it up again."""


SameKeyRacing = _SameKeyRacing


class AlreadyReversed(Exception):
    """A stock movement this change reverses was reversed already by another path (the ledger
    reverses each at most once); the transaction is rolled back. handlers.common.repairing does the
    change again, taking that reversal as the sale's or consumable's (adopt_reversals)."""


def flush(session: Session) -> None:
    """Write what the session holds; a refusal of the database becomes the caller's conflict (and
    the transaction is rolled back)."""
    try:
        session.flush()
    except IntegrityError as problem:
        session.rollback()  # every object of the session is expired now: the caller must not use them
        raise refusal(problem) from None
    except StaleDataError:
        session.rollback()
        raise Conflict("the bill changed meanwhile; look again", {"version": ["Reload the bill."]}) from None


def refusal(problem: IntegrityError) -> Exception:
    text = str(problem.orig)
    for names, make in REFUSALS:
        if any(name in text for name in names):
            return make()
    return problem


# ---------------------------------------------------------------- bills


def find_bill(session: Session, company_id: int, appointment_id: int, *, for_update=False) -> Bill | None:
    statement = select(Bill).where(Bill.company_id == company_id, Bill.appointment_id == appointment_id)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.scalar(statement)


class BillBehind(Exception):
    """The bill copies an older version of the appointment than the caller saw, or none yet."""


def bill_to_change(session: Session, company_id: int, appointment_id: int, seen_version: int | None = None) -> Bill:
    """The bill, its row locked for this transaction; BillBehind (before anything is written) when
    it does not copy at least the appointment's `seen_version`."""
    bill = find_bill(session, company_id, appointment_id, for_update=True)
    if bill is None or (seen_version is not None and bill.appointment_version < seen_version):
        raise BillBehind()
    return bill


def get_bill(session: Session, company_id: int, appointment_id: int, *, for_update=False) -> Bill:
    bill = find_bill(session, company_id, appointment_id, for_update=for_update)
    if bill is None:
        raise NotFound(f"no bill for appointment {appointment_id}")
    return bill


def lock_cards_sold(session: Session, bill: Bill) -> None:
    """Lock the memberships and gift cards sold in this bill (after the bill: one lock order) and read
    them afresh, so whether they have been used is known while a payment paying for them is deleted."""
    for card_class in (Membership, GiftCard):
        session.scalars(
            select(card_class)
            .where(card_class.company_id == bill.company_id, card_class.bill_id == bill.id)
            .order_by(card_class.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()


def adopt_reversals(session: Session, bill: Bill, now: datetime) -> bool:
    """Sales and consumables of the bill whose movement the ledger shows reversed already: taken
    back with that reversal (Bill.adopt_reversals). True if any was."""
    live = [*bill.live_sales, *bill.live_consumables]
    if not live:
        return False
    movement_ids = [each.movement.id for each in live]
    found = session.scalars(select(StockMovement).where(StockMovement.reverses_id.in_(movement_ids)))
    return bill.adopt_reversals({movement.reverses_id: movement for movement in found}, now)


# ---------------------------------------------------------------- idempotent requests

_REQUESTS = models.idempotent_requests


def earlier_request(session: Session, company_id: int, key: str) -> tuple[str, dict] | None:
    """(fingerprint, answer) of the request made earlier under this key, if any."""
    found = session.execute(
        select(_REQUESTS.c.fingerprint, _REQUESTS.c.answer).where(
            _REQUESTS.c.company_id == company_id, _REQUESTS.c.key == key
        )
    ).first()
    return None if found is None else (found.fingerprint, json.loads(found.answer))


def remember_request(session: Session, company_id: int, key: str, fingerprint: str, answer: dict) -> None:
    session.execute(
        insert(_REQUESTS).values(company_id=company_id, key=key, fingerprint=fingerprint,
                                 answer=json.dumps(answer, separators=(",", ":")), created_at=datetime.now(UTC))
    )  # fmt: skip


# ---------------------------------------------------------------- one record of the company


def get(session: Session, record_class, company_id: int, record_id: int, *, field: str | None = None,
        for_update=False):  # fmt: skip
    """The company's record; NotFound, or InvalidInput naming `field` when the caller named it in a request."""
    statement = select(record_class).where(record_class.company_id == company_id, record_class.id == record_id)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    found = session.scalar(statement)
    if found is None:
        name = NAMES.get(record_class, record_class.__name__.lower())
        if field:
            raise InvalidInput.field(field, f"No such {name}.")
        raise NotFound(f"{name} {record_id} not found")
    return found


NAMES = {
    CashDesk: "cash desk", Product: "product", Storage: "storage", MembershipType: "membership type",
    GiftCardType: "gift-card type", Membership: "membership", GiftCard: "gift card", Payment: "payment",
    BillOfMaterials: "bill of materials",
}  # fmt: skip


def all_of(session: Session, record_class, company_id: int, *, active_only=False) -> list:
    statement = select(record_class).where(record_class.company_id == company_id)
    if active_only:
        statement = statement.where(record_class.active.is_(True))
    order = record_class.title if hasattr(record_class, "title") else record_class.id
    return list(session.scalars(statement.order_by(order, record_class.id)))


def cash_desks(session: Session, company_id: int) -> list[CashDesk]:
    return list(session.scalars(select(CashDesk).where(CashDesk.company_id == company_id).order_by(CashDesk.id)))


def clear_default_desk(session: Session, company_id: int, kind: str, keep_id: int | None = None) -> None:
    statement = update(models.cash_desks).where(
        models.cash_desks.c.company_id == company_id, models.cash_desks.c.kind == kind, models.cash_desks.c.is_default
    )
    if keep_id is not None:
        statement = statement.where(models.cash_desks.c.id != keep_id)
    session.execute(statement.values(is_default=False), execution_options={"synchronize_session": "fetch"})


def first_storage(session: Session, company_id: int, purpose: str) -> Storage:
    """The salon's first active storage for sale or for services; InvalidInput on `storage_id` if none."""
    column = Storage.for_sale if purpose == "sale" else Storage.for_services
    found = session.scalar(
        select(Storage)
        .where(Storage.company_id == company_id, Storage.active.is_(True), column.is_(True))
        .order_by(Storage.id)
        .limit(1)
    )
    if found is None:
        raise InvalidInput.field("storage_id", f"The salon has no storage for {purpose}; add one.")
    return found


def card_by_code(session: Session, card_class, company_id: int, code: str, *, for_update=False):
    statement = select(card_class).where(card_class.company_id == company_id, card_class.code == code)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    found = session.scalar(statement)
    if found is None:
        raise InvalidInput.field("code", f"No {NAMES[card_class]} has this code.")
    return found


def code_kind(session: Session, company_id: int, code: str) -> str | None:
    return session.scalar(
        select(models.card_codes.c.kind).where(models.card_codes.c.company_id == company_id,
                                               models.card_codes.c.code == code)
    )  # fmt: skip


def claim_code(session: Session, company_id: int, code: str, kind: str) -> None:
    """The code is the company's for good; a second claim fails at flush (CODE_TAKEN)."""
    session.execute(insert(models.card_codes).values(company_id=company_id, code=code, kind=kind))


def bills_of_materials(session: Session, company_id: int, service_ids: Sequence[int] | None = None) -> list:
    statement = select(BillOfMaterials).where(BillOfMaterials.company_id == company_id)
    if service_ids is not None:
        statement = statement.where(BillOfMaterials.service_id.in_(service_ids))
    return list(session.scalars(statement.order_by(BillOfMaterials.service_id, BillOfMaterials.id)))


# ---------------------------------------------------------------- stock

_LEVELS = models.stock_levels


def stock_level(session: Session, storage_id: int, product_id: int) -> int:
    found = session.scalar(
        select(_LEVELS.c.quantity).where(_LEVELS.c.storage_id == storage_id, _LEVELS.c.product_id == product_id)
    )
    return found or 0


def stock_levels(session: Session, company_id: int, *, storage_id=None, product_ids=None) -> list:
    statement = select(_LEVELS.c.storage_id, _LEVELS.c.product_id, _LEVELS.c.quantity).where(
        _LEVELS.c.company_id == company_id
    )
    if storage_id is not None:
        statement = statement.where(_LEVELS.c.storage_id == storage_id)
    if product_ids is not None:
        statement = statement.where(_LEVELS.c.product_id.in_(product_ids))
    return list(session.execute(statement.order_by(_LEVELS.c.product_id, _LEVELS.c.storage_id)))


def movements(session: Session, company_id: int, *, product_id=None, storage_id=None, before_id=None, limit=100):
    statement = select(StockMovement).where(StockMovement.company_id == company_id)
    if product_id is not None:
        statement = statement.where(StockMovement.product_id == product_id)
    if storage_id is not None:
        statement = statement.where(StockMovement.storage_id == storage_id)
    if before_id is not None:
        statement = statement.where(StockMovement.id < before_id)
    return list(session.scalars(statement.order_by(StockMovement.id.desc()).limit(limit)))


def ledger_sum(session: Session, storage_id: int, product_id: int) -> int:
    """What the ledger adds up to (the level should always equal it)."""
    movements_table = models.stock_movements
    found = session.scalar(
        select(func.coalesce(func.sum(movements_table.c.quantity), 0)).where(
            movements_table.c.storage_id == storage_id, movements_table.c.product_id == product_id
        )
    )
    return int(found)


# ---------------------------------------------------------------- the day's takings


def payments_taken_or_deleted(session: Session, company_id: int, start: datetime, end: datetime) -> list[Payment]:
    taken = (Payment.taken_at >= start) & (Payment.taken_at < end)
    deleted = (Payment.deleted_at >= start) & (Payment.deleted_at < end)
    return list(
        session.scalars(
            select(Payment).where(Payment.company_id == company_id, or_(taken, deleted)).order_by(Payment.id)
        )
    )


# ---------------------------------------------------------------- visits being deleted

_HOLDS = models.deletion_holds


def hold(session: Session, company_id: int, appointment_ids: Sequence[int], until: datetime) -> None:
    """Hold these visits (a deletion is on its way): written and committed before their bills are read."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_HOLDS)
    statement = statement.on_conflict_do_update(index_elements=["company_id", "appointment_id"],
                                                set_={"until": statement.excluded.until})  # fmt: skip
    session.execute(statement, [{"company_id": company_id, "appointment_id": appointment_id, "until": until}
                                for appointment_id in appointment_ids])  # fmt: skip


def forget_ended_holds(session: Session, company_id: int, moment: datetime) -> None:
    session.execute(delete(_HOLDS).where(_HOLDS.c.company_id == company_id, _HOLDS.c.until <= moment))


def release(session: Session, company_id: int, appointment_ids: Sequence[int]) -> None:
    session.execute(delete(_HOLDS).where(_HOLDS.c.company_id == company_id,
                                         _HOLDS.c.appointment_id.in_(appointment_ids)))  # fmt: skip


def held_until(session: Session, company_id: int, appointment_id: int) -> datetime | None:
    return session.scalar(select(_HOLDS.c.until).where(_HOLDS.c.company_id == company_id,
                                                       _HOLDS.c.appointment_id == appointment_id))  # fmt: skip


def paid_amounts(session: Session, company_id: int, appointment_ids: Sequence[int]) -> dict[int, int]:
    """What is paid on each of these visits' bills (none: not there), their rows locked: a payment
    being taken on one of them now is waited for and counted."""
    rows = session.execute(
        select(models.bills.c.appointment_id, models.bills.c.paid)
        .where(models.bills.c.company_id == company_id, models.bills.c.appointment_id.in_(appointment_ids))
        .order_by(models.bills.c.id)
        .with_for_update()
    )
    return {row.appointment_id: row.paid for row in rows}
