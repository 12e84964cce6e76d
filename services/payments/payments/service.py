"""The payments service's RPC entrypoints and event handlers: validate, call a handler, dump."""

import logging

from marshmallow import ValidationError

from payments.domain import codes
from payments.domain.cards import GIFT_CARD, MEMBERSHIP, GiftCardType, MembershipType
from payments.domain.stock import Product, Storage
from payments.handlers import bills, catalogue, holds, payments, sales, stock
from payments.schemas import (
    ActorSchema,
    AddConsumableSchema,
    ApplyBillOfMaterialsSchema,
    AppointmentCopySchema,
    AppointmentEventSchema,
    BillOfMaterialsOutSchema,
    BillOfMaterialsSchema,
    BillOutSchema,
    CardOutSchema,
    CashDeskChangesSchema,
    CashDeskOutSchema,
    CashDeskSchema,
    EndHoldsSchema,
    GiftCardTypeOutSchema,
    GiftCardTypeSchema,
    HoldSchema,
    IdsSchema,
    ListQuerySchema,
    MembershipTypeOutSchema,
    MembershipTypeSchema,
    MovementOutSchema,
    MovementQuerySchema,
    MovementSchema,
    PaymentOutSchema,
    ProductOutSchema,
    ProductSaleOutSchema,
    ProductSchema,
    SeenVersionSchema,
    SellCardSchema,
    SellProductSchema,
    StockQuerySchema,
    StorageOutSchema,
    StorageSchema,
    TakePaymentSchema,
    TakingsOutSchema,
    TakingsQuerySchema,
)
from salon_infra.dependencies import Database, HealthChecks, TimedRpcProxy
from salon_infra.errors import InvalidInput, NotFound
from salon_infra.nameko import event_handler, rpc
from salon_infra.validation import load

log = logging.getLogger(__name__)

BILL = BillOutSchema()
PAYMENT = PaymentOutSchema()
CARD = CardOutSchema()
SALE = ProductSaleOutSchema()
# What each catalogue kind is: its class, the schema it loads with, and the one it dumps with.
CATALOGUE = {
    "product": (Product, ProductSchema, ProductOutSchema()),
    "storage": (Storage, StorageSchema, StorageOutSchema()),
    "membership_type": (MembershipType, MembershipTypeSchema, MembershipTypeOutSchema()),
    "gift_card_type": (GiftCardType, GiftCardTypeSchema, GiftCardTypeOutSchema()),
}


def _object(name: str, value) -> dict:
    if not isinstance(value, dict):
        raise InvalidInput.field(name, "Must be an object.")
    return value


def answer_of(bill, payment) -> dict:
    return {"payment": PAYMENT.dump(payment), "bill": BILL.dump(bill)}


def sale_answer(bill, sale) -> dict:
    return {"sale": SALE.dump(sale), "bill": BILL.dump(bill)}


def card_answer(bill, card) -> dict:
    return {"card": CARD.dump(card), "bill": BILL.dump(bill)}


class PaymentsService(HealthChecks):
    name = "payments"
    uow = Database("payments")
    bookings = TimedRpcProxy("bookings")
    scheduling = TimedRpcProxy("scheduling")

    # ---------------------------------------------------------------- the visit's bill

    @rpc
    def get_bill(self, company_id, appointment_id, seen_version=None):
        """The visit's bill; `seen_version` (of the appointment, as the caller saw it) makes sure the
        bill copies at least that version."""
        company, appointment = self._ids(company_id, appointment_id)
        seen = load(SeenVersionSchema(), {"seen_version": seen_version})["seen_version"]
        return BILL.dump(bills.get_bill(self.uow, self._get_appointment, company, appointment, seen))

    @rpc
    def take_payment(self, company_id, appointment_id, payment):
        """{method: cash|card|gift_card|membership, amount? (none: all it may pay), cash_desk_id?, code?,
        idempotency_key, actor_id, seen_version?} -> {payment, bill, replayed}."""
        company, appointment = self._ids(company_id, appointment_id)
        command = load(TakePaymentSchema(), _object("payment", payment))
        return payments.take_payment(self.uow, self._get_appointment, answer_of, company, appointment, command)

    @rpc
    def delete_payment(self, company_id, appointment_id, payment_id, actor):
        company, appointment = self._ids(company_id, appointment_id)
        actor_id = load(ActorSchema(), _object("actor", actor))["actor_id"]
        found = self._id("payment_id", payment_id)
        return BILL.dump(payments.delete_payment(self.uow, company, appointment, found, actor_id))

    @rpc
    def sell_product(self, company_id, appointment_id, sale):
        """{product_id, quantity, storage_id?, staff_member_id?, price?, discount?, idempotency_key, actor_id,
        seen_version?} -> {sale, bill, replayed}."""
        company, appointment = self._ids(company_id, appointment_id)
        command = load(SellProductSchema(), _object("sale", sale))
        return sales.sell_product(self.uow, self._get_appointment, self._check_staff_member, sale_answer, company,
                                  appointment, command)  # fmt: skip

    @rpc
    def remove_product_sale(self, company_id, appointment_id, sale_id, actor):
        company, appointment = self._ids(company_id, appointment_id)
        actor_id = load(ActorSchema(), _object("actor", actor))["actor_id"]
        return BILL.dump(sales.remove_product_sale(self.uow, company, appointment, self._id("sale_id", sale_id),
                                                   actor_id))  # fmt: skip

    @rpc
    def add_consumable(self, company_id, appointment_id, consumable):
        company, appointment = self._ids(company_id, appointment_id)
        command = load(AddConsumableSchema(), _object("consumable", consumable))
        return BILL.dump(sales.add_consumable(self.uow, self._get_appointment, company, appointment, command))

    @rpc
    def apply_bill_of_materials(self, company_id, appointment_id, request):
        company, appointment = self._ids(company_id, appointment_id)
        asked = load(ApplyBillOfMaterialsSchema(), _object("request", request))
        return BILL.dump(sales.apply_bill_of_materials(
            self.uow, self._get_appointment, company, appointment, asked["line_id"], asked["actor_id"],
            asked["seen_version"],
        ))  # fmt: skip

    @rpc
    def remove_consumable(self, company_id, appointment_id, consumable_id, actor):
        company, appointment = self._ids(company_id, appointment_id)
        actor_id = load(ActorSchema(), _object("actor", actor))["actor_id"]
        found = self._id("consumable_id", consumable_id)
        return BILL.dump(sales.remove_consumable(self.uow, company, appointment, found, actor_id))

    @rpc
    def sell_card(self, company_id, appointment_id, sale):
        """{kind: membership|gift_card, type_id, code? (none: generated), idempotency_key, actor_id}
        -> {bill, card, replayed}."""
        company, appointment = self._ids(company_id, appointment_id)
        command = load(SellCardSchema(), _object("sale", sale))
        return sales.sell_card(self.uow, self._get_appointment, card_answer, company, appointment, command)

    @rpc
    def void_card(self, company_id, appointment_id, kind, card_id, actor):
        company, appointment = self._ids(company_id, appointment_id)
        if kind not in (MEMBERSHIP, GIFT_CARD):
            raise InvalidInput.field("kind", f"Must be {MEMBERSHIP} or {GIFT_CARD}.")
        actor_id = load(ActorSchema(), _object("actor", actor))["actor_id"]
        return BILL.dump(sales.void_card(self.uow, company, appointment, kind, self._id("card_id", card_id), actor_id))

    @rpc
    def generate_code(self, company_id):
        return {"code": codes.shown(sales.generate_code(self.uow, self._company(company_id)))}

    @rpc
    def find_card(self, company_id, code):
        return CARD.dump(sales.find_card(self.uow, self._company(company_id), code))

    # ---------------------------------------------------------------- visits being deleted

    @rpc
    def hold_for_deletion(self, company_id, request):
        """{appointment_ids} -> {paid: {appointment_id: amount}}: what each visit's bill has paid,
        counted after the visits are held (handlers/holds.py): none of them takes a payment until
        end_deletion_holds, or HOLD_SECONDS."""
        company = self._company(company_id)
        asked = load(HoldSchema(), _object("request", request))
        paid = holds.hold_for_deletion(self.uow, company, asked["appointment_ids"])
        return {"paid": {str(appointment_id): amount for appointment_id, amount in paid.items()}}

    @rpc
    def end_deletion_holds(self, company_id, outcome):
        """{deleted: [...], kept: [...]}: bookings' answer; the kept visits take payments again."""
        company = self._company(company_id)
        asked = load(EndHoldsSchema(), _object("outcome", outcome))
        holds.end_deletion_holds(self.uow, company, asked["deleted"], asked["kept"])

    # ---------------------------------------------------------------- the till

    @rpc
    def list_cash_desks(self, company_id):
        return CashDeskOutSchema(many=True).dump(catalogue.list_cash_desks(self.uow, self._company(company_id)))

    @rpc
    def create_cash_desk(self, company_id, cash_desk):
        fields = load(CashDeskSchema(), _object("cash_desk", cash_desk))
        return CashDeskOutSchema().dump(catalogue.create_cash_desk(self.uow, self._company(company_id), fields))

    @rpc
    def update_cash_desk(self, company_id, cash_desk_id, changes):
        company, desk = self._company(company_id), self._id("cash_desk_id", cash_desk_id)
        fields = load(CashDeskChangesSchema(), _object("changes", changes))
        return CashDeskOutSchema().dump(catalogue.update_cash_desk(self.uow, company, desk, fields))

    @rpc
    def takings(self, company_id, query):
        """A day's takings in the salon's local day: {date, timezone} -> by cash desk, by method, total."""
        company = self._company(company_id)
        asked = load(TakingsQuerySchema(), _object("query", query))
        found = payments.day_takings(self.uow, company, asked["date"], asked["timezone"])
        return TakingsOutSchema().dump({**found.__dict__, "date": asked["date"].isoformat(),
                                        "timezone": asked["timezone"]})  # fmt: skip

    # ---------------------------------------------------------------- products, storages, card types

    @rpc
    def list_catalogue(self, company_id, kind, query=None):
        """kind: product, storage, membership_type or gift_card_type."""
        record_class, _, out = self._kind(kind)
        asked = load(ListQuerySchema(), _object("query", query or {}))
        found = catalogue.list_records(self.uow, record_class, self._company(company_id), **asked)
        return out.dump(found, many=True)

    @rpc
    def create_catalogue(self, company_id, kind, fields):
        record_class, schema, out = self._kind(kind)
        loaded = load(schema(), _object(kind, fields))
        return out.dump(catalogue.create_record(self.uow, record_class, self._company(company_id), loaded))

    @rpc
    def update_catalogue(self, company_id, kind, record_id, changes):
        record_class, schema, out = self._kind(kind)
        company, found = self._company(company_id), self._id("id", record_id)
        loaded = load(schema(partial=True), _object("changes", changes))
        return out.dump(catalogue.update_record(self.uow, record_class, company, found, loaded))

    @rpc
    def list_bills_of_materials(self, company_id, service_id=None):
        company = self._company(company_id)
        service = None if service_id is None else self._id("service_id", service_id)
        found = catalogue.list_bills_of_materials(self.uow, company, service)
        return BillOfMaterialsOutSchema(many=True).dump(found)

    @rpc
    def set_bill_of_materials(self, company_id, bill_of_materials):
        fields = load(BillOfMaterialsSchema(), _object("bill_of_materials", bill_of_materials))
        saved = catalogue.set_bill_of_materials(self.uow, self._company(company_id), fields)
        return None if saved is None else BillOfMaterialsOutSchema().dump(saved)

    # ---------------------------------------------------------------- stock

    @rpc
    def record_stock_movement(self, company_id, movement):
        """{kind: arrival|write_off, storage_id, product_id, quantity, note?, actor_id}."""
        fields = load(MovementSchema(), _object("movement", movement))
        return MovementOutSchema().dump(stock.record_movement(self.uow, self._company(company_id), fields))

    @rpc
    def stock_levels(self, company_id, query=None):
        asked = load(StockQuerySchema(), _object("query", query or {}))
        return stock.stock_levels(self.uow, self._company(company_id), **asked)

    @rpc
    def stock_movements(self, company_id, query=None):
        asked = load(MovementQuerySchema(), _object("query", query or {}))
        return MovementOutSchema(many=True).dump(stock.movements(self.uow, self._company(company_id), asked))

    # ---------------------------------------------------------------- bookings' events

    # A malformed event is logged and dropped (requeueing would only fail again); database errors
    # requeue it. Each carries the appointment's whole state and version: only newer ones count.
    # A new appointment is not copied when it is booked: most visits are paid once, at the till, and
    # the bill is made then (get_bill asks bookings once). Changes after that keep it up to date;
    # a change before it makes the bill early. That spares every booking a message and a write here.

    @event_handler("bookings", "appointment_rescheduled", requeue_on_error=True)
    @event_handler("bookings", "appointment_cancelled", requeue_on_error=True)
    @event_handler("bookings", "appointment_deleted", requeue_on_error=True)
    @event_handler("bookings", "appointment_changed", requeue_on_error=True)
    def on_appointment(self, payload):
        if (parsed := self._appointment_event(payload)) is not None:
            event, visit = parsed
            bills.record_appointment(self.uow, event["company_id"], visit)

    @event_handler("bookings", "appointment_payments_carried_over", requeue_on_error=True)
    def on_payments_carried_over(self, payload):
        """Money bookings held before payments took over (bookings' migration 0007), once each."""
        if (parsed := self._appointment_event(payload)) is not None:
            event, visit = parsed
            paid = event["data"].get("paid_amount")
            if type(paid) is not int or paid < 0:
                log.error("dropping a carried-over event without a paid amount: %r", payload)
                return
            bills.carry_over(self.uow, event["company_id"], event["event_id"], visit, paid)

    @staticmethod
    def _appointment_event(payload):
        try:
            event = AppointmentEventSchema().load(payload)
            return event, AppointmentCopySchema().load(event["data"]["appointment"])
        except (ValidationError, KeyError, TypeError) as problem:
            log.error("dropping a malformed appointment event %r: %s", payload, problem)
            return None

    # ---------------------------------------------------------------- internals

    def _get_appointment(self, company_id: int, appointment_id: int) -> dict:
        return self.bookings.get_appointment(company_id, appointment_id)

    def _check_staff_member(self, company_id: int, staff_member_id: int) -> None:
        """An active staff member of the company, as scheduling says (with the proxy's deadline)."""
        try:
            member = self.scheduling.get_staff_member(company_id, staff_member_id)
        except NotFound:
            raise InvalidInput.field("staff_member_id", "No such staff member in this salon.") from None
        if not member.get("active", True):
            raise InvalidInput.field("staff_member_id", f"{member.get('name', 'This staff member')} no longer works "
                                                        "here.")  # fmt: skip

    @staticmethod
    def _kind(kind):
        if kind not in CATALOGUE:
            raise InvalidInput.field("kind", f"Must be one of {', '.join(CATALOGUE)}.")
        return CATALOGUE[kind]

    @staticmethod
    def _company(company_id) -> int:
        return load(IdsSchema(), {"company_id": company_id})["company_id"]

    @staticmethod
    def _id(name: str, value) -> int:
        if type(value) is not int or not 1 <= value <= 2**63 - 1:
            raise InvalidInput.field(name, "Not a record id.")
        return value

    def _ids(self, company_id, appointment_id) -> tuple[int, int]:
        return self._company(company_id), self._id("appointment_id", appointment_id)
