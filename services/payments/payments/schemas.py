"""What crosses the payments service's RPC and event boundaries: requests loaded into commands,
results dumped as plain JSON. Money is integer minor units; times are ISO 8601 in UTC."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import EXCLUDE, Schema, ValidationError, post_load, validate, validates_schema

from payments.domain import codes, commands, money, stock, takings
from payments.domain.cards import GIFT_CARD, MEMBERSHIP, PAYS_FOR
from payments.domain.model import DESK_KINDS, DESK_OF_METHOD, METHODS, LineCopy, VisitCopy
from salon_infra import fields
from salon_infra.errors import InvalidInput
from salon_infra.validation import MAX_ID

record_id = validate.Range(min=1, max=MAX_ID)


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=record_id, **kwargs)


def _amount(low: int = 0, high: int = money.MAX_PRICE, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=low, max=high), **kwargs)


class IdsSchema(Schema):
    company_id = _id(required=True)
    record_id = _id()


# ---------------------------------------------------------------- requests


class DiscountSchema(Schema):
    """An amount (minor units) or a percent (up to two decimals), not both."""

    amount = _amount(high=money.MAX_AMOUNT)
    percent = fields.Raw()

    @validates_schema
    def one_kind(self, data, **_):
        if ("amount" in data) == ("percent" in data):
            raise ValidationError("Give amount or percent.", "_schema")
        percent = data.get("percent")
        if "percent" in data and (isinstance(percent, bool) or not isinstance(percent, int | float | str)):
            raise ValidationError("Must be a number.", "percent")

    @post_load
    def make(self, data, **_):
        if "amount" in data:
            return money.Discount(amount=data["amount"])
        try:
            return money.Discount(percent=money.percent_hundredths(data["percent"]))
        except money.MoneyProblem as problem:
            raise ValidationError(problem.message, "percent") from None


def _seen_version() -> fields.Integer:
    versions = validate.Range(min=1, max=2**31 - 1)
    return fields.Integer(strict=True, load_default=None, allow_none=True, validate=versions)


class SeenVersionSchema(Schema):
    """The appointment's version as the caller saw it: the bill copies at least that one."""

    seen_version = _seen_version()


class _Command(Schema):
    actor_id = _id(required=True)
    seen_version = _seen_version()


def _idempotency_key() -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=100))


class TakePaymentSchema(_Command):
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    amount = _amount(low=1, high=money.MAX_AMOUNT, load_default=None)
    cash_desk_id = _id(load_default=None)
    code = fields.String(load_default=None, validate=validate.Length(max=64))
    idempotency_key = _idempotency_key()

    @validates_schema
    def fits_the_method(self, data, **_):
        method = data.get("method")
        if method in (GIFT_CARD, MEMBERSHIP):
            if not data.get("code"):
                raise ValidationError("Give the card's code.", "code")
            if codes.canonical(data["code"]) is None:
                raise ValidationError("Use 4 to 32 letters and digits.", "code")
        if data.get("cash_desk_id") is not None and method not in DESK_OF_METHOD:
            raise ValidationError("Only cash and card payments go to a cash desk.", "cash_desk_id")

    @post_load
    def make(self, data, **_):
        if data["code"] is not None:
            data["code"] = codes.canonical(data["code"])
        return commands.TakePayment(**data)


class SellProductSchema(_Command):
    product_id = _id(required=True)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=money.MAX_QUANTITY))
    storage_id = _id(load_default=None)
    staff_member_id = _id(load_default=None)
    price = _amount(load_default=None)
    discount = fields.Nested(DiscountSchema, load_default=money.NO_DISCOUNT)
    idempotency_key = _idempotency_key()

    @post_load
    def make(self, data, **_):
        return commands.SellProduct(**data)


class AddConsumableSchema(_Command):
    line_id = _id(required=True)
    product_id = _id(required=True)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=stock.MAX_QUANTITY))
    storage_id = _id(load_default=None)

    @post_load
    def make(self, data, **_):
        return commands.AddConsumable(**data)


class ApplyBillOfMaterialsSchema(_Command):
    line_id = _id(required=True)


class SellCardSchema(_Command):
    kind = fields.String(required=True, validate=validate.OneOf([MEMBERSHIP, GIFT_CARD]))
    type_id = _id(required=True)
    code = fields.String(load_default=None, validate=validate.Length(max=64))
    idempotency_key = _idempotency_key()

    @post_load
    def make(self, data, **_):
        return commands.SellCard(**data)


class ActorSchema(Schema):
    actor_id = _id(required=True)


class CashDeskSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(required=True, validate=validate.OneOf(DESK_KINDS))
    is_default = fields.Boolean(load_default=False)
    active = fields.Boolean()


class CashDeskChangesSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=100))
    is_default = fields.Boolean()
    active = fields.Boolean()


def _optional_text(length: int) -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=length))


class ProductSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    article = _optional_text(64)
    barcode = _optional_text(64)
    unit = fields.String(load_default="pcs", validate=validate.OneOf(stock.UNITS))
    sale_price = _amount(load_default=0)
    cost_price = _amount(load_default=0)
    category = _optional_text(100)
    active = fields.Boolean(load_default=True)


class StorageSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    for_sale = fields.Boolean(load_default=True)
    for_services = fields.Boolean(load_default=False)
    allows_negative = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)


_ids_list = fields.List(_id(), load_default=list, validate=validate.Length(max=500))


class MembershipTypeSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    price = _amount(required=True)
    uses = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=1000))
    validity_days = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=3660))
    service_ids = _ids_list
    category_ids = _ids_list
    active = fields.Boolean(load_default=True)


class GiftCardTypeSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    face_value = _amount(low=1, required=True)
    price = _amount(load_default=None)
    multiple_use = fields.Boolean(load_default=True)
    pays_for = fields.String(load_default="any", validate=validate.OneOf(PAYS_FOR))
    validity_days = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=3660))
    active = fields.Boolean(load_default=True)

    @post_load
    def priced(self, data, partial=False, **_):
        if not partial and data.get("price") is None:
            data["price"] = data["face_value"]
        elif data.get("price", 0) is None:
            data.pop("price")
        return data


class MaterialItemSchema(Schema):
    product_id = _id(required=True)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=stock.MAX_QUANTITY))
    storage_id = _id(load_default=None)


class BillOfMaterialsSchema(Schema):
    service_id = _id(required=True)
    staff_member_id = _id(load_default=None)
    items = fields.List(fields.Nested(MaterialItemSchema), required=True, validate=validate.Length(max=50))


class MovementSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([stock.ARRIVAL, stock.WRITE_OFF]))
    storage_id = _id(required=True)
    product_id = _id(required=True)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=stock.MAX_QUANTITY))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    actor_id = _id(required=True)


class MovementQuerySchema(Schema):
    product_id = _id(load_default=None)
    storage_id = _id(load_default=None)
    before_id = _id(load_default=None)
    limit = fields.Integer(strict=True, load_default=100, validate=validate.Range(min=1, max=500))


class StockQuerySchema(Schema):
    storage_id = _id(load_default=None)
    product_ids = fields.List(_id(), load_default=None, validate=validate.Length(max=500))


class TakingsQuerySchema(Schema):
    date = fields.Date(required=True)
    timezone = fields.String(required=True)

    @validates_schema
    def known_zone_and_day(self, data, **_):
        try:
            ZoneInfo(data.get("timezone", ""))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError("Not a time zone.", "timezone") from None
        if "date" in data:
            try:
                takings.day_bounds(data["date"], data["timezone"])
            except InvalidInput as problem:
                raise ValidationError(problem.errors["date"], "date") from None


_appointment_ids = fields.List(_id(), load_default=list, validate=validate.Length(max=500))


class HoldSchema(Schema):
    appointment_ids = fields.List(_id(), required=True, validate=validate.Length(min=1, max=500))


class EndHoldsSchema(Schema):
    deleted = _appointment_ids
    kept = _appointment_ids


class ListQuerySchema(Schema):
    active_only = fields.Boolean(load_default=False)


# ---------------------------------------------------------------- the appointment, as bookings sends it


class LineCopySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(required=True)
    service_id = fields.Integer(required=True)
    title = fields.String(required=True)
    category_id = fields.Integer(allow_none=True, load_default=None)
    price = fields.Integer(required=True)
    quantity = fields.Integer(load_default=1)
    discount = fields.Integer(load_default=0)
    total = fields.Integer(required=True)


class AppointmentCopySchema(Schema):
    """bookings' `appointment` (its events' data.appointment, or what get_appointment answers)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(required=True)
    client_id = fields.Integer(required=True)
    staff_member_id = fields.Integer(required=True)
    starts_at = fields.AwareDateTime(required=True)
    services = fields.List(fields.Nested(LineCopySchema), required=True)
    state = fields.String(required=True, validate=validate.OneOf(["booked", "cancelled", "deleted"]))
    version = fields.Integer(required=True)

    @post_load
    def make(self, data, **_):
        lines = tuple(
            LineCopy(line["id"], line["service_id"], line["title"], line["category_id"], line["price"],
                     line["quantity"], line["discount"], line["total"])
            for line in data["services"]
        )  # fmt: skip
        return VisitCopy(data["id"], data["client_id"], data["staff_member_id"], data["starts_at"], data["state"],
                         data["version"], lines)  # fmt: skip


class AppointmentEventSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True)
    company_id = fields.Integer(required=True)
    data = fields.Dict(required=True)


def visit_of_appointment(appointment: dict) -> VisitCopy:
    return AppointmentCopySchema().load(appointment)


# ---------------------------------------------------------------- results


class CashDeskOutSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    is_default = fields.Boolean()
    active = fields.Boolean()


class ProductOutSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    article = fields.String(allow_none=True)
    barcode = fields.String(allow_none=True)
    unit = fields.String()
    sale_price = fields.Integer()
    cost_price = fields.Integer()
    category = fields.String(allow_none=True)
    active = fields.Boolean()


class StorageOutSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    for_sale = fields.Boolean()
    for_services = fields.Boolean()
    allows_negative = fields.Boolean()
    active = fields.Boolean()


class MembershipTypeOutSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    price = fields.Integer()
    uses = fields.Integer()
    validity_days = fields.Integer()
    service_ids = fields.List(fields.Integer())
    category_ids = fields.List(fields.Integer())
    active = fields.Boolean()


class GiftCardTypeOutSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    face_value = fields.Integer()
    price = fields.Integer()
    multiple_use = fields.Boolean()
    pays_for = fields.String()
    validity_days = fields.Integer()
    active = fields.Boolean()


class MaterialItemOutSchema(Schema):
    product_id = fields.Integer()
    quantity = fields.Integer()
    storage_id = fields.Integer(allow_none=True)


class BillOfMaterialsOutSchema(Schema):
    id = fields.Integer()
    service_id = fields.Integer()
    staff_member_id = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(MaterialItemOutSchema))


class MovementOutSchema(Schema):
    id = fields.Integer()
    storage_id = fields.Integer()
    product_id = fields.Integer()
    kind = fields.String()
    quantity = fields.Integer()
    created_at = fields.AwareDateTime()
    created_by_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)


def _shown_code(card) -> str | None:
    return None if card.code is None else codes.shown(card.code)


def card_state(card) -> str:
    from datetime import UTC, datetime

    if card.voided_at is not None:
        return "voided"
    if card.paid_at is None:
        return "not_paid"
    if datetime.now(UTC) >= card.expires_at:
        return "expired"
    left = card.uses_left if card.kind == MEMBERSHIP else card.balance
    if left <= 0 or (card.kind == GIFT_CARD and not card.multiple_use and card.uses > 0):
        return "used_up"
    return "active"


class CardOutSchema(Schema):
    """A membership (uses) or a gift card (balance)."""

    id = fields.Integer()
    kind = fields.String()
    type_id = fields.Integer()
    title = fields.String()
    code = fields.Function(_shown_code)
    client_id = fields.Integer()
    price = fields.Integer()
    sold_at = fields.AwareDateTime()
    paid_at = fields.AwareDateTime(allow_none=True, metadata={"description": "usable from then on"})
    expires_at = fields.AwareDateTime()
    state = fields.Function(card_state)
    uses_total = fields.Integer()
    uses_left = fields.Integer()
    service_ids = fields.List(fields.Integer())
    category_ids = fields.List(fields.Integer())
    face_value = fields.Integer()
    balance = fields.Integer()
    multiple_use = fields.Boolean()
    pays_for = fields.String()


class PaymentOutSchema(Schema):
    id = fields.Integer()
    method = fields.String()
    amount = fields.Integer()
    cash_desk_id = fields.Integer(allow_none=True)
    code = fields.Function(_shown_code)
    pays_for = fields.String(allow_none=True)
    membership_uses = fields.Integer()
    covered_units = fields.List(fields.Dict(), metadata={"description": "a membership's: [{line_id, units}]"})
    covered_line_ids = fields.List(fields.Integer())
    taken_at = fields.AwareDateTime()
    taken_by_id = fields.Integer(allow_none=True)
    deleted_at = fields.AwareDateTime(allow_none=True)
    deleted_by_id = fields.Integer(allow_none=True)
    state = fields.Function(lambda payment: "live" if payment.live else "deleted")


def _percent(sale) -> float | None:
    return None if sale.discount_percent is None else sale.discount_percent / 100


class ProductSaleOutSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    storage_id = fields.Integer()
    staff_member_id = fields.Integer(allow_none=True)
    title = fields.String()
    unit = fields.String()
    price = fields.Integer()
    quantity = fields.Integer()
    discount = fields.Integer()
    discount_percent = fields.Function(_percent, metadata={"description": "the percent entered, if any"})
    subtotal = fields.Integer()
    total = fields.Integer()
    created_at = fields.AwareDateTime()
    created_by_id = fields.Integer(allow_none=True)
    removed_at = fields.AwareDateTime(allow_none=True)
    state = fields.Function(lambda sale: "live" if sale.live else "removed")


class ConsumableOutSchema(Schema):
    id = fields.Integer()
    line_id = fields.Integer()
    product_id = fields.Integer()
    storage_id = fields.Integer()
    title = fields.String()
    unit = fields.String()
    quantity = fields.Integer()
    from_bill_of_materials = fields.Boolean()
    created_at = fields.AwareDateTime()
    removed_at = fields.AwareDateTime(allow_none=True)
    state = fields.Function(lambda each: "live" if each.live else "removed")


_CONSUMABLES = ConsumableOutSchema(many=True)


class BillLineOutSchema(Schema):
    line_id = fields.Integer()
    service_id = fields.Integer()
    title = fields.String()
    category_id = fields.Integer(allow_none=True)
    price = fields.Integer()
    quantity = fields.Integer()
    discount = fields.Integer()
    total = fields.Integer()


class BillOutSchema(Schema):
    """The visit's bill: service lines (each with its live consumables), products sold, cards sold,
    payments (deleted ones too, marked), and the money."""

    appointment_id = fields.Integer()
    client_id = fields.Integer()
    staff_member_id = fields.Integer()
    state = fields.String(attribute="appointment_state")
    appointment_version = fields.Integer()
    version = fields.Integer()
    lines = fields.Method("_lines")
    products = fields.Method("_products")
    cards = fields.Method("_cards")
    payments = fields.Method("_payments")
    services_total = fields.Integer()
    products_total = fields.Integer()
    cards_total = fields.Method("_cards_total")
    sales_total = fields.Integer()
    total = fields.Integer()
    paid = fields.Integer()
    due = fields.Integer()
    overpaid = fields.Integer()
    payment_status = fields.String()
    paid_in_full = fields.Function(lambda bill: bill.payment_status == money.PAID)
    refund_status = fields.String(allow_none=True)

    def _lines(self, bill):
        by_line = {}
        for each in bill.live_consumables:
            by_line.setdefault(each.line_id, []).append(each)
        return [{**_PARTS["line"].dump(line), "consumables": _CONSUMABLES.dump(by_line.get(line.line_id, []))}
                for line in bill.lines]  # fmt: skip

    def _products(self, bill):
        return _PARTS["products"].dump(bill.live_sales)

    def _cards(self, bill):
        return _PARTS["cards"].dump(bill.cards_sold)

    def _cards_total(self, bill):
        return sum(card.price for card in bill.cards_sold)

    def _payments(self, bill):
        return _PARTS["payments"].dump(bill.payments)


_PARTS = {
    "line": BillLineOutSchema(),
    "products": ProductSaleOutSchema(many=True),
    "cards": CardOutSchema(many=True),
    "payments": PaymentOutSchema(many=True),
}


class DeletionOutSchema(Schema):
    payment_id = fields.Integer()
    method = fields.String()
    amount = fields.Integer()
    cash_desk_id = fields.Integer(allow_none=True)
    taken_at = fields.AwareDateTime()
    deleted_at = fields.AwareDateTime()
    deleted_by_id = fields.Integer(allow_none=True)


class TakingsOutSchema(Schema):
    date = fields.String()
    timezone = fields.String()
    total = fields.Integer()
    money = fields.Dict()
    by_cash_desk = fields.List(fields.Dict())
    by_method = fields.List(fields.Dict())
    redemptions = fields.Dict()
    deletions = fields.List(fields.Nested(DeletionOutSchema))
