"""What a visit sells and uses: products sold from a storage for sale, consumables written off for a
service line (one by one, or a bill of materials at once), memberships and gift cards sold with a
code. Each locks the bill first; the stock ledger's trigger refuses stock that is not there, so a
sale and its stock movement are written together or not at all. A product or card sold carries an
Idempotency-Key, as a payment does: a double tap on "Add sale" sells once."""

from collections.abc import Callable

from payments import events, repository
from payments.domain import codes, idempotency, stock
from payments.domain.cards import GIFT_CARD, MEMBERSHIP, GiftCard, GiftCardType, Membership, MembershipType
from payments.domain.commands import AddConsumable, SellCard, SellProduct
from payments.domain.model import Bill, choose_bill_of_materials
from payments.domain.stock import Product, Storage
from payments.exceptions import NothingToChange
from payments.handlers.bills import read_through
from payments.handlers.common import (
    CheckStaffMember,
    GetAppointment,
    earlier_answer,
    now,
    once_per_key,
    repairing,
)
from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict, InvalidInput, NotFound

CARD_CLASSES = {MEMBERSHIP: (MembershipType, Membership), GIFT_CARD: (GiftCardType, GiftCard)}
GENERATE_TRIES = 5


def sell_product(uow: UnitOfWork, get_appointment: GetAppointment, check_staff_member: CheckStaffMember,
                 answer_of: Callable[[Bill, object], dict], company_id: int, appointment_id: int,
                 command: SellProduct) -> dict:  # fmt: skip
    """{bill, sale, replayed}: the product sold from a storage for sale (never more than is in stock),
    credited to the staff member named (one of the company's, asked of scheduling unless it is the
    visit's own) or to the visit's. The same key and request again gives the first answer."""
    asked = {"request": "sell_product", "appointment_id": appointment_id, "product_id": command.product_id,
             "quantity": command.quantity, "storage_id": command.storage_id,
             "staff_member_id": command.staff_member_id, "price": command.price,
             "discount": {"amount": command.discount.amount, "percent": command.discount.percent}}  # fmt: skip
    fingerprint = idempotency.fingerprint(asked)
    _check_seller(uow, check_staff_member, company_id, appointment_id, command.staff_member_id)

    def sell() -> dict:
        with uow:
            session = uow.session
            bill = repository.bill_to_change(session, company_id, appointment_id, command.seen_version)
            if (replayed := earlier_answer(session, company_id, command.idempotency_key, fingerprint)) is not None:
                return replayed
            product = repository.get(session, Product, company_id, command.product_id, field="product_id")
            storage = _storage(session, company_id, command.storage_id, "sale")
            storage.require("sale")
            level = repository.stock_level(session, storage.id, product.id)
            stock.require_available(level, command.quantity, storage, product)
            sale = bill.sell_product(
                product, storage, command.quantity, now=now(), actor_id=command.actor_id,
                staff_member_id=command.staff_member_id, price=command.price, discount=command.discount,
            )  # fmt: skip
            _flush_stock(session, level, storage, product)
            answer = {**answer_of(bill, sale), "replayed": False}
            repository.remember_request(session, company_id, command.idempotency_key, fingerprint, answer)
            repository.flush(session)
            uow.record_events([events.bill_changed(bill)])
            uow.commit()
        return answer

    return read_through(uow, get_appointment, company_id, appointment_id, lambda: once_per_key(sell))


def _check_seller(uow: UnitOfWork, check_staff_member: CheckStaffMember, company_id: int, appointment_id: int,
                  staff_member_id: int | None) -> None:  # fmt: skip
    """The staff member a sale is credited to is the company's: the visit's own needs no asking
    (bookings checked it), anyone else is asked of scheduling (with a deadline; 503 if it is down)."""
    if staff_member_id is None:
        return
    with uow:
        bill = repository.find_bill(uow.session, company_id, appointment_id)
        if bill is not None and bill.staff_member_id == staff_member_id:
            return
    check_staff_member(company_id, staff_member_id)


def remove_product_sale(uow: UnitOfWork, company_id: int, appointment_id: int, sale_id: int, actor_id: int) -> Bill:
    """The sale is taken back and its stock returns, once; taking it back again changes nothing."""

    def work(repair: bool) -> Bill:
        with uow:
            session = uow.session
            bill = repository.get_bill(session, company_id, appointment_id, for_update=True)
            adopted = repair and repository.adopt_reversals(session, bill, now())
            try:
                bill.remove_product_sale(sale_id, actor_id, now())
            except NothingToChange:
                if not adopted:
                    return bill
            repository.flush(session)
            uow.record_events([events.bill_changed(bill)])
            uow.commit()
        return bill

    return repairing(work)


def add_consumable(uow: UnitOfWork, get_appointment: GetAppointment, company_id: int, appointment_id: int,
                   command: AddConsumable) -> Bill:  # fmt: skip

    def work():
        with uow:
            session = uow.session
            bill = repository.bill_to_change(session, company_id, appointment_id, command.seen_version)
            product = repository.get(session, Product, company_id, command.product_id, field="product_id")
            storage = _storage(session, company_id, command.storage_id, "services")
            storage.require("services")
            level = repository.stock_level(session, storage.id, product.id)
            stock.require_available(level, command.quantity, storage, product)
            quantity, actor_id = command.quantity, command.actor_id
            bill.add_consumable(command.line_id, product, storage, quantity, now=now(), actor_id=actor_id)
            _flush_stock(session, level, storage, product)
            uow.commit()
        return bill

    return read_through(uow, get_appointment, company_id, appointment_id, work)


def apply_bill_of_materials(uow: UnitOfWork, get_appointment: GetAppointment, company_id: int, appointment_id: int,
                            line_id: int, actor_id: int, seen_version=None) -> Bill:  # fmt: skip
    """The service's consumables (the staff member's own bill of materials, else the service's),
    times the line's quantity, in one step. Applied once per line: remove them to apply it again."""

    def work():
        with uow:
            session = uow.session
            bill = repository.bill_to_change(session, company_id, appointment_id, seen_version)
            line = bill.line(line_id)
            if any(each.line_id == line_id and each.from_bill_of_materials for each in bill.live_consumables):
                raise Conflict.field("line_id", "The bill of materials is applied to this line already.")
            boms = repository.bills_of_materials(session, company_id, [line.service_id])
            bom = choose_bill_of_materials(boms, line.service_id, bill.staff_member_id)
            if bom is None or not bom.items:
                raise InvalidInput.field("line_id", f"{line.title} has no bill of materials.")
            planned = []
            for item in bom.materials():
                product = repository.get(session, Product, company_id, item.product_id, field="product_id")
                storage = _storage(session, company_id, item.storage_id, "services")
                planned.append((storage, product, item.quantity * line.quantity))
            # One lock order for stock rows (storage, product), so two visits using the same products cannot deadlock.
            planned.sort(key=lambda entry: (entry[0].id, entry[1].id))
            taking: dict[tuple[int, int], int] = {}
            for storage, product, quantity in planned:
                storage.require("services")
                taking[(storage.id, product.id)] = taking.get((storage.id, product.id), 0) + quantity
                level = repository.stock_level(session, storage.id, product.id)
                stock.require_available(level, taking[(storage.id, product.id)], storage, product)
                bill.add_consumable(line_id, product, storage, quantity, now=now(), actor_id=actor_id, from_bom=True)
            repository.flush(session)
            uow.commit()
        return bill

    return read_through(uow, get_appointment, company_id, appointment_id, work)


def remove_consumable(uow: UnitOfWork, company_id: int, appointment_id: int, consumable_id: int, actor_id: int) -> Bill:
    """The write-off is reversed, once; removing it again changes nothing."""

    def work(repair: bool) -> Bill:
        with uow:
            session = uow.session
            bill = repository.get_bill(session, company_id, appointment_id, for_update=True)
            adopted = repair and repository.adopt_reversals(session, bill, now())
            try:
                bill.remove_consumable(consumable_id, actor_id, now())
            except NothingToChange:
                if not adopted:
                    return bill
            repository.flush(session)
            if adopted:
                uow.record_events([events.bill_changed(bill)])  # products taken back with it
            uow.commit()
        return bill

    return repairing(work)


def sell_card(uow: UnitOfWork, get_appointment: GetAppointment, answer_of: Callable[[Bill, object], dict],
              company_id: int, appointment_id: int, command: SellCard) -> dict:  # fmt: skip
    """{bill, card, replayed}: a membership or gift card sold to the visit's client with the code
    typed, or a generated one. Usable once the visit's money pays for it. The same key and request
    again gives the first answer (the same card and code)."""
    asked = {"request": "sell_card", "appointment_id": appointment_id, "kind": command.kind,
             "type_id": command.type_id, "code": command.code}  # fmt: skip
    fingerprint = idempotency.fingerprint(asked)

    def sell() -> dict:
        type_class, _ = CARD_CLASSES[command.kind]
        with uow:
            session = uow.session
            bill = repository.bill_to_change(session, company_id, appointment_id, command.seen_version)
            if (replayed := earlier_answer(session, company_id, command.idempotency_key, fingerprint)) is not None:
                return replayed
            card_type = repository.get(session, type_class, company_id, command.type_id, field="type_id")
            code = _new_code(session, company_id, command.code)
            card = card_type.sell(code, bill.client_id, now())
            bill.sell_card(card, now())
            repository.claim_code(session, company_id, code, command.kind)
            repository.flush(session)
            answer = {**answer_of(bill, card), "replayed": False}
            repository.remember_request(session, company_id, command.idempotency_key, fingerprint, answer)
            repository.flush(session)
            uow.record_events([events.bill_changed(bill)])
            uow.commit()
        return answer

    return read_through(uow, get_appointment, company_id, appointment_id, lambda: once_per_key(sell))


def void_card(uow: UnitOfWork, company_id: int, appointment_id: int, kind: str, card_id: int, actor_id: int) -> Bill:
    """Take back a card sold in this visit, if it has not been used; its code stays taken."""
    _, card_class = CARD_CLASSES[kind]
    with uow:
        session = uow.session
        bill = repository.get_bill(session, company_id, appointment_id, for_update=True)
        card = repository.get(session, card_class, company_id, card_id, for_update=True)
        if card.bill_id != bill.id:
            raise NotFound(f"{repository.NAMES[card_class]} {card_id} was not sold in this visit")
        try:
            bill.void_card(card, actor_id, now())
        except NothingToChange:
            return bill
        repository.flush(session)
        uow.record_events([events.bill_changed(bill)])
        uow.commit()
    return bill


def generate_code(uow: UnitOfWork, company_id: int) -> str:
    """A fresh code no card of the company has ("round arrow")."""
    with uow:
        return _new_code(uow.session, company_id, None)


def find_card(uow: UnitOfWork, company_id: int, code: str):
    """The membership or gift card with this code (the till's look-up before paying with it)."""
    canonical = codes.canonical(code)
    if canonical is None:
        raise InvalidInput.field("code", "Not a code: 4 to 32 letters and digits.")
    with uow:
        kind = repository.code_kind(uow.session, company_id, canonical)
        if kind is None:
            raise InvalidInput.field("code", "No membership or gift card has this code.")
        return repository.card_by_code(uow.session, CARD_CLASSES[kind][1], company_id, canonical)


# ---------------------------------------------------------------- internals


def _storage(session, company_id: int, storage_id: int | None, purpose: str) -> Storage:
    if storage_id is None:
        return repository.first_storage(session, company_id, purpose)
    return repository.get(session, Storage, company_id, storage_id, field="storage_id")


def _flush_stock(session, level: int, storage: Storage, product: Product) -> None:
    """Flush; the ledger refusing (a concurrent sale took the last ones) names how many are left."""
    try:
        repository.flush(session)
    except Conflict as refused:
        if "quantity" in refused.errors:
            left = repository.stock_level(session, storage.id, product.id)
            raise stock.not_in_stock(max(left, 0), storage, product) from None
        raise


def _new_code(session, company_id: int, typed: str | None) -> str:
    if typed is not None:
        code = codes.typed(typed)
        if code is None:
            raise InvalidInput.field("code", codes.TYPED_RULE)
        if repository.code_kind(session, company_id, code):
            raise Conflict.field("code", "This code is already taken.")
        return code
    for _ in range(GENERATE_TRIES):
        code = codes.generate()
        if not repository.code_kind(session, company_id, code):
            return code
    raise AssertionError("no free code after several tries: the alphabet is far too large for this")
