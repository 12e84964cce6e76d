"""A visit's bill and the till: plain dataclasses and their transitions, tested without a database.

The **bill** of a visit holds the appointment's service lines (a copy of bookings', kept at the
newest version its events carry), the products sold in the visit, the consumables written off
for its service lines, the memberships and gift cards sold in it, and its payments. Its total is
the lines' and sales' totals added up; what is paid is its live payments added up; what is due is
the difference, never below zero. What each payment may pay for (gift cards and memberships only
some parts, cards sold only money) is domain/allocation.py; a card sold becomes usable once the
bill's money pays for it. Every change to a bill happens with its row locked (the repository), so
two tills never both take the last amount due.

A **cash desk** is where money is taken: cash or non-cash, one default of each per company.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from payments.domain import allocation, codes, money, stock
from payments.domain.cards import GiftCard, Membership
from payments.domain.stock import Product, StockMovement, Storage
from payments.exceptions import NothingToChange
from salon_infra.errors import Conflict, InvalidInput, NotFound

CASH, CARD, GIFT_CARD, MEMBERSHIP, CARRIED_OVER = "cash", "card", "gift_card", "membership", "carried_over"
METHODS = (CASH, CARD, GIFT_CARD, MEMBERSHIP)
MONEY_METHODS = (CASH, CARD, CARRIED_OVER)
CASH_KIND, NON_CASH_KIND = "cash", "non_cash"
DESK_KINDS = (CASH_KIND, NON_CASH_KIND)
DESK_OF_METHOD = {CASH: CASH_KIND, CARD: NON_CASH_KIND}
BOOKED, CANCELLED, DELETED = "booked", "cancelled", "deleted"
MANUAL_REFUND = "manual_refund_required"


# ---------------------------------------------------------------- cash desks


@dataclass(eq=False)
class CashDesk:
    company_id: int
    title: str
    kind: str  # cash or non_cash
    is_default: bool = False
    active: bool = True
    id: int | None = None

    def __post_init__(self):
        if self.kind not in DESK_KINDS:
            raise InvalidInput.field("kind", f"Must be one of {', '.join(DESK_KINDS)}.")


def desk_for(method: str, desks: Sequence[CashDesk], cash_desk_id: int | None) -> CashDesk:
    """The cash desk a cash or card payment goes to: the one named, else the default of its kind.
    InvalidInput naming `cash_desk_id` or `method` when the company has none that fits."""
    kind = DESK_OF_METHOD[method]
    if cash_desk_id is not None:
        desk = next((desk for desk in desks if desk.id == cash_desk_id), None)
        if desk is None or not desk.active:
            raise InvalidInput.field("cash_desk_id", "No such cash desk.")
        if desk.kind != kind:
            raise InvalidInput.field("cash_desk_id", f"{desk.title} does not take {method} payments.")
        return desk
    usable = [desk for desk in desks if desk.kind == kind and desk.active]
    chosen = next((desk for desk in usable if desk.is_default), usable[0] if usable else None)
    if chosen is None:
        what = "cash" if kind == CASH_KIND else "non-cash"
        raise InvalidInput.field("method", f"The salon has no {what} cash desk for {method} payments.")
    return chosen


# ---------------------------------------------------------------- the appointment as bookings sends it


@dataclass(frozen=True)
class LineCopy:
    line_id: int  # bookings' service line id
    service_id: int
    title: str
    category_id: int | None
    price: int
    quantity: int
    discount: int
    total: int


@dataclass(frozen=True)
class VisitCopy:
    """What the bill keeps of an appointment, at one version."""

    appointment_id: int
    client_id: int
    staff_member_id: int
    starts_at: datetime
    state: str
    version: int
    lines: tuple[LineCopy, ...] = ()


# ---------------------------------------------------------------- what a bill holds


@dataclass(eq=False)
class BillLine:
    """A service line of the visit, as bookings last said it is."""

    line_id: int
    service_id: int
    title: str
    price: int
    quantity: int
    discount: int
    total: int
    category_id: int | None = None
    position: int = 0
    company_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Payment:
    company_id: int
    method: str
    amount: int
    taken_at: datetime
    taken_by_id: int | None = None
    cash_desk_id: int | None = None
    gift_card_id: int | None = None
    membership_id: int | None = None
    membership_uses: int = 0
    covered_units: list = field(default_factory=list)  # a membership's: [{"line_id", "units"}], one use per unit
    pays_for: str | None = None  # a restricted gift card's or a membership's: services or products
    code: str | None = None  # the card's, kept for the history
    deleted_at: datetime | None = None
    deleted_by_id: int | None = None
    bill_id: int | None = None
    id: int | None = None

    @property
    def live(self) -> bool:
        return self.deleted_at is None

    @property
    def covered_line_ids(self) -> list[int]:
        """The service lines a membership payment paid units of."""
        return [entry["line_id"] for entry in self.covered_units]

    @property
    def pays(self) -> str:
        """What it may pay for (allocation's kinds): money anything, a card its part."""
        if self.method in MONEY_METHODS:
            return allocation.MONEY
        if self.method == MEMBERSHIP:
            return allocation.SERVICES
        return self.pays_for or allocation.ANYTHING


@dataclass(eq=False)
class ProductSale:
    """A product sold in the visit: its price (the catalogue's unless changed), quantity, discount,
    the staff member who sold it and the storage it came from."""

    company_id: int
    product_id: int
    storage_id: int
    title: str
    unit: str
    price: int
    quantity: int
    created_at: datetime
    movement: StockMovement
    staff_member_id: int | None = None
    discount_percent: int | None = None
    discount: int = 0
    subtotal: int = 0
    total: int = 0
    created_by_id: int | None = None
    removed_at: datetime | None = None
    removed_by_id: int | None = None
    return_movement: StockMovement | None = None
    bill_id: int | None = None
    id: int | None = None

    @property
    def live(self) -> bool:
        return self.removed_at is None

    def remove(self, actor_id: int | None, now: datetime) -> None:
        """Taken back: the stock returns, once."""
        if not self.live:
            raise NothingToChange()
        self.removed_at, self.removed_by_id = now, actor_id
        self.return_movement = self.movement.reversal(actor_id, now)


@dataclass(eq=False)
class Consumable:
    """A product written off for a service line of the visit (from a storage for services)."""

    company_id: int
    line_id: int  # bookings' service line id
    product_id: int
    storage_id: int
    title: str
    unit: str
    quantity: int
    created_at: datetime
    movement: StockMovement
    from_bill_of_materials: bool = False
    created_by_id: int | None = None
    removed_at: datetime | None = None
    removed_by_id: int | None = None
    return_movement: StockMovement | None = None
    bill_id: int | None = None
    id: int | None = None

    @property
    def live(self) -> bool:
        return self.removed_at is None

    def remove(self, actor_id: int | None, now: datetime) -> None:
        """The write-off reversed, once."""
        if not self.live:
            raise NothingToChange()
        self.removed_at, self.removed_by_id = now, actor_id
        self.return_movement = self.movement.reversal(actor_id, now)


@dataclass(frozen=True)
class MaterialItem:
    product_id: int
    quantity: int  # for one unit of the service line
    storage_id: int | None = None  # None: the salon's storage for services


@dataclass(eq=False)
class BillOfMaterials:
    """What a service uses up, for every staff member or for one of them."""

    company_id: int
    service_id: int
    items: list = field(default_factory=list)  # of MaterialItem, as plain dicts in the database
    staff_member_id: int | None = None
    id: int | None = None

    def materials(self) -> list[MaterialItem]:
        return [item if isinstance(item, MaterialItem) else MaterialItem(**item) for item in self.items]


def choose_bill_of_materials(boms: Sequence[BillOfMaterials], service_id: int, staff_member_id: int):
    """The staff member's own bill of materials for the service, else the service's; None if neither."""
    for_service = [bom for bom in boms if bom.service_id == service_id]
    own = next((bom for bom in for_service if bom.staff_member_id == staff_member_id), None)
    return own or next((bom for bom in for_service if bom.staff_member_id is None), None)


# ---------------------------------------------------------------- the bill


@dataclass(eq=False)
class Bill:
    company_id: int
    appointment_id: int
    client_id: int
    staff_member_id: int
    starts_at: datetime
    created_at: datetime
    appointment_state: str = BOOKED
    appointment_version: int = 0
    lines: list[BillLine] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    product_sales: list[ProductSale] = field(default_factory=list)
    consumables: list[Consumable] = field(default_factory=list)
    memberships_sold: list[Membership] = field(default_factory=list)
    gift_cards_sold: list[GiftCard] = field(default_factory=list)
    services_total: int = 0
    sales_total: int = 0
    total: int = 0
    paid: int = 0
    refund_status: str | None = None
    version: int = 1
    updated_at: datetime | None = None
    id: int | None = None

    def __post_init__(self):
        self.updated_at = self.updated_at or self.created_at
        self.add_up()

    # ------------------------------------------------------------ reading

    @property
    def due(self) -> int:
        return money.due(self.total, self.paid)

    @property
    def overpaid(self) -> int:
        return money.overpaid(self.total, self.paid)

    @property
    def payment_status(self) -> str:
        return money.payment_status(self.total, self.paid)

    @property
    def live_payments(self) -> list[Payment]:
        return [payment for payment in self.payments if payment.live]

    @property
    def live_sales(self) -> list[ProductSale]:
        return [sale for sale in self.product_sales if sale.live]

    @property
    def live_consumables(self) -> list[Consumable]:
        return [each for each in self.consumables if each.live]

    @property
    def cards_sold(self) -> list:
        """The memberships and gift cards sold in this visit and not taken back, in the order sold."""
        cards = [card for card in [*self.memberships_sold, *self.gift_cards_sold] if card.voided_at is None]
        return sorted(cards, key=lambda card: (card.sold_at, card.kind, card.id or 0))

    @property
    def products_total(self) -> int:
        return sum(sale.total for sale in self.live_sales)

    @property
    def cards_total(self) -> int:
        return sum(card.price for card in self.cards_sold)

    @property
    def parts(self) -> allocation.Parts:
        return allocation.Parts(self.services_total, self.products_total, self.cards_total)

    @property
    def paid_by_kind(self) -> allocation.Paid:
        paid = allocation.Paid()
        for payment in self.live_payments:
            paid = paid.plus(payment.pays, payment.amount)
        return paid

    def room(self, kind: str) -> int:
        """The most a new payment of this kind (allocation.MONEY, ANYTHING, SERVICES, PRODUCTS) may take."""
        return allocation.room(self.parts, self.paid_by_kind, kind)

    def line(self, line_id: int) -> BillLine:
        found = next((line for line in self.lines if line.line_id == line_id), None)
        if found is None:
            raise InvalidInput.field("line_id", "No such service line in this visit.")
        return found

    # ------------------------------------------------------------ the appointment, from bookings

    def copy_appointment(self, visit: VisitCopy, now: datetime) -> None:
        """Take a newer version of the appointment: its lines and state. Consumables of lines no
        longer there are reversed; a deleted visit gives back its products' stock and reverses
        every consumable (each once) and cancels the unused cards sold in it; money paid for a visit
        cancelled or deleted is marked for a refund by hand. An older or repeated version changes
        nothing (NothingToChange)."""
        if visit.version <= self.appointment_version:
            raise NothingToChange()
        was = self.appointment_state
        self.appointment_version, self.appointment_state = visit.version, visit.state
        self.client_id, self.staff_member_id, self.starts_at = visit.client_id, visit.staff_member_id, visit.starts_at
        self._take_lines(visit.lines)
        kept = {line.line_id for line in self.lines}
        for consumable in self.live_consumables:
            if consumable.line_id not in kept or visit.state == DELETED:
                consumable.remove(None, now)
        if visit.state == DELETED and was != DELETED:
            for sale in self.live_sales:
                sale.remove(None, now)
            for card in self.cards_sold:
                if not card.used:
                    card.void(None, now)
        self.add_up()
        self.touch(now)

    def _take_lines(self, copies: Sequence[LineCopy]) -> None:
        current = {line.line_id: line for line in self.lines}
        lines = []
        for position, copy in enumerate(copies):
            line = current.get(copy.line_id) or BillLine(copy.line_id, copy.service_id, copy.title, 0, 1, 0, 0)
            line.service_id, line.title, line.category_id = copy.service_id, copy.title, copy.category_id
            line.price, line.quantity, line.discount, line.total = copy.price, copy.quantity, copy.discount, copy.total
            line.position, line.company_id = position, self.company_id
            lines.append(line)
        self.lines = lines

    # ------------------------------------------------------------ payments

    def require_open(self) -> None:
        """Conflict for a visit that is cancelled or deleted: it takes no more money or sales."""
        if self.appointment_state != BOOKED:
            raise Conflict(f"this visit is {self.appointment_state}", {"appointment_id": [
                f"The visit is {self.appointment_state}; it takes no payments or sales."]})  # fmt: skip

    def take_payment(
        self,
        method: str,
        asked: int | None,
        *,
        now: datetime,
        actor_id: int | None,
        desk: CashDesk | None = None,
        gift_card: GiftCard | None = None,
        membership: Membership | None = None,
    ) -> Payment:
        """A payment of `asked`, or of all it may take (quick payment: "Cash", "Card"). Never more
        than is due, nor than its method may pay (allocation): Conflict naming `amount` (or `code`)."""
        self.require_open()
        payment = Payment(self.company_id, method, 0, now, actor_id)
        if method in DESK_OF_METHOD:
            payment.amount = self._amount(asked, self.room(allocation.MONEY))
            payment.cash_desk_id = desk.id
        elif method == GIFT_CARD:
            gift_card.require_usable(now)
            most = min(self.room(gift_card.pays_for), gift_card.balance)
            payment.amount = self._amount(asked, most, nothing=_NOTHING_FOR_A_GIFT_CARD[gift_card.pays_for])
            gift_card.spend(payment.amount)
            payment.gift_card_id, payment.code = gift_card.id, gift_card.code
            payment.pays_for = None if gift_card.pays_for == allocation.ANYTHING else gift_card.pays_for
        elif method == MEMBERSHIP:
            membership.require_usable(now, self.client_id)
            units = [unit for unit in self.free_units(membership) if unit[1] > 0][: membership.uses_left]
            if not units:
                raise Conflict.field("code", "This membership covers none of the visit's services still to pay.")
            most = min(sum(value for _, value in units), self.room(allocation.SERVICES))
            payment.amount = self._amount(asked, most, nothing="None of the services this membership covers is "
                                                                "left to pay.")  # fmt: skip
            paid_units = _units_reaching(units, payment.amount)
            payment.membership_uses = len(paid_units)
            membership.use(payment.membership_uses)
            payment.membership_id, payment.code, payment.pays_for = membership.id, membership.code, allocation.SERVICES
            per_line = Counter(line.line_id for line in paid_units)
            payment.covered_units = [{"line_id": line_id, "units": units} for line_id, units in per_line.items()]
        else:
            raise InvalidInput.field("method", f"Must be one of {', '.join(METHODS)}.")
        self.payments.append(payment)
        self.add_up()
        self.touch(now)
        return payment

    def free_units(self, membership: Membership) -> list[tuple[BillLine, int]]:
        """Each unit of the service lines the membership covers that no live membership payment has
        paid yet, with its value (money.unit_values), in the lines' order."""
        taken: Counter = Counter()
        for payment in self.live_payments:
            for entry in payment.covered_units:
                taken[entry["line_id"]] += entry["units"]
        free = []
        for line in self.lines:
            if membership.covers(line.service_id, line.category_id):
                values = money.unit_values(line.total, line.quantity)
                free += [(line, value) for value in values[taken[line.line_id] :]]
        return free

    def _amount(self, asked: int | None, most: int, *, nothing: str | None = None) -> int:
        """The payment's amount; Conflict naming `code` when its card may pay nothing of what is
        due, `amount` when nothing is due or more is asked than may be paid."""
        if most <= 0 and self.due > 0 and nothing:
            raise Conflict.field("code", nothing)
        try:
            return money.amount_to_take(asked, most)
        except money.MoneyProblem as problem:
            raise Conflict(problem.message, {"amount": [problem.message]}) from None

    def carry_over(self, amount: int, now: datetime) -> Payment:
        """Money bookings recorded before payments took over, as one payment (no cash desk)."""
        if any(payment.method == CARRIED_OVER for payment in self.payments) or amount <= 0:
            raise NothingToChange()
        payment = Payment(self.company_id, CARRIED_OVER, amount, now)
        self.payments.append(payment)
        self.add_up()
        self.touch(now)
        return payment

    def delete_payment(
        self, payment_id: int, actor_id: int | None, now: datetime, *, gift_card=None, membership=None
    ) -> Payment:
        """Marked deleted with who and when, kept in the history; what it took from a gift card or
        a membership goes back, once (deleting it again changes nothing: NothingToChange). Money
        that paid for a card sold here: the card is not paid for any more and cannot be used, and
        if it has been used the deletion is refused (Conflict naming `payment_id`)."""
        payment = self.payment(payment_id)
        if not payment.live:
            raise NothingToChange()
        if payment.pays == allocation.MONEY:
            self._require_used_cards_stay_paid_for(self.paid_by_kind.money - payment.amount)
        payment.deleted_at, payment.deleted_by_id = now, actor_id
        if gift_card is not None:
            gift_card.give_back(payment.amount)
        if membership is not None:
            membership.give_back(payment.membership_uses)
        self.add_up()
        self.touch(now)
        return payment

    def _require_used_cards_stay_paid_for(self, money_left: int) -> None:
        cards = self.cards_sold
        covered_now = allocation.cards_paid_for([card.price for card in cards], money_left)
        for card, covered in zip(cards, covered_now, strict=True):
            if not covered and card.paid_at is not None and card.used:
                what = "membership" if card.kind == MEMBERSHIP else "gift card"
                raise Conflict.field("payment_id", f"This payment paid for the {what} {codes.shown(card.code)}, "
                                                   "which has been used since: delete the payments made with it "
                                                   "first.")  # fmt: skip

    def _cover_cards(self, now: datetime) -> None:
        """A card sold here is paid for (usable) while the bill's money covers it (allocation)."""
        cards = self.cards_sold
        covered_now = allocation.cards_paid_for([card.price for card in cards], self.paid_by_kind.money)
        for card, covered in zip(cards, covered_now, strict=True):
            if covered and card.paid_at is None:
                card.paid_at = now
            elif not covered and card.paid_at is not None:
                card.paid_at = None  # never a used one: delete_payment refuses that

    def payment(self, payment_id: int) -> Payment:
        found = next((payment for payment in self.payments if payment.id == payment_id), None)
        if found is None:
            raise NotFound(f"payment {payment_id} not found")
        return found

    # ------------------------------------------------------------ products and consumables

    def sell_product(
        self,
        product: Product,
        storage: Storage,
        quantity: int,
        *,
        now: datetime,
        actor_id: int | None,
        staff_member_id: int | None = None,
        price: int | None = None,
        discount: money.Discount = money.NO_DISCOUNT,
    ) -> ProductSale:
        self.require_open()
        product.require_active()
        storage.require("sale")
        price = product.sale_price if price is None else price
        try:
            line = money.line_money(price, quantity, discount)
        except money.MoneyProblem as problem:
            raise InvalidInput.field(problem.field, problem.message) from None
        sale = ProductSale(
            self.company_id, product.id, storage.id, product.title, product.unit, price, quantity, now,
            stock.movement(self.company_id, storage, product, stock.SALE, quantity, actor_id, now),
            staff_member_id=staff_member_id or self.staff_member_id, discount_percent=discount.percent,
            discount=line.discount, subtotal=line.subtotal, total=line.total, created_by_id=actor_id,
        )  # fmt: skip
        self.product_sales.append(sale)
        self.add_up()
        self.touch(now)
        return sale

    def remove_product_sale(self, sale_id: int, actor_id: int | None, now: datetime) -> ProductSale:
        sale = next((sale for sale in self.product_sales if sale.id == sale_id), None)
        if sale is None:
            raise NotFound(f"product sale {sale_id} not found")
        sale.remove(actor_id, now)
        self.add_up()
        self.touch(now)
        return sale

    def add_consumable(
        self, line_id: int, product: Product, storage: Storage, quantity: int, *, now, actor_id, from_bom=False
    ) -> Consumable:
        self.require_open()
        self.line(line_id)
        product.require_active()
        storage.require("services")
        consumable = Consumable(
            self.company_id, line_id, product.id, storage.id, product.title, product.unit, quantity, now,
            stock.movement(self.company_id, storage, product, stock.CONSUMABLE, quantity, actor_id, now),
            from_bill_of_materials=from_bom, created_by_id=actor_id,
        )  # fmt: skip
        self.consumables.append(consumable)
        self.touch(now)
        return consumable

    def remove_consumable(self, consumable_id: int, actor_id: int | None, now: datetime) -> Consumable:
        consumable = next((each for each in self.consumables if each.id == consumable_id), None)
        if consumable is None:
            raise NotFound(f"consumable {consumable_id} not found")
        consumable.remove(actor_id, now)
        self.touch(now)
        return consumable

    def adopt_reversals(self, reversals: dict, now: datetime) -> bool:
        """Sales and consumables whose stock movement the ledger shows reversed already (by another
        path): taken back with that reversal, so their stock comes back exactly once. `reversals`
        maps a movement's id to the movement reversing it. True if any was taken back."""
        adopted = False
        for each in [*self.live_sales, *self.live_consumables]:
            found = reversals.get(each.movement.id)
            if found is not None:
                each.removed_at, each.return_movement = now, found
                adopted = True
        if adopted:
            self.add_up()
            self.touch(now)
        return adopted

    # ------------------------------------------------------------ memberships and gift cards

    def sell_card(self, card, now: datetime) -> None:
        """A membership or gift card sold in this visit: its price joins the bill."""
        self.require_open()
        (self.memberships_sold if isinstance(card, Membership) else self.gift_cards_sold).append(card)
        self.add_up()
        self.touch(now)

    def void_card(self, card, actor_id: int | None, now: datetime) -> None:
        if card.voided_at is not None:
            raise NothingToChange()
        card.void(actor_id, now)
        self.add_up()
        self.touch(now)

    # ------------------------------------------------------------ internals

    def add_up(self) -> None:
        self.services_total = sum(line.total for line in self.lines)
        self.sales_total = self.products_total + self.cards_total
        self.total = self.services_total + self.sales_total
        self.paid = sum(payment.amount for payment in self.live_payments)
        # Money kept for a visit that did not happen is for an administrator to give back by hand;
        # deleting those payments (the refund made) clears the mark.
        self.refund_status = MANUAL_REFUND if self.appointment_state != BOOKED and self.paid > 0 else None

    def touch(self, now: datetime) -> None:
        self._cover_cards(now)
        self.version += 1
        self.updated_at = now


_NOTHING_FOR_A_GIFT_CARD = {
    allocation.ANYTHING: "Gift cards do not pay for the memberships and gift cards sold in a visit: pay what is "
    "left in cash or by card.",
    allocation.SERVICES: "This gift card pays only for services, and none of them is left to pay.",
    allocation.PRODUCTS: "This gift card pays only for products, and none of them is left to pay.",
}


def _units_reaching(units: Sequence[tuple[BillLine, int]], amount: int) -> list[BillLine]:
    """The fewest units, in order, whose values reach `amount` (one membership use each)."""
    paid, reached = [], 0
    for line, value in units:
        if reached >= amount:
            break
        paid.append(line)
        reached += value
    return paid


def new_bill(company_id: int, visit: VisitCopy, now: datetime) -> Bill:
    bill = Bill(company_id, visit.appointment_id, visit.client_id, visit.staff_member_id, visit.starts_at, now)
    bill.copy_appointment(visit, now)
    bill.version = 1
    return bill
