"""Request and response shapes of the checkout, the till and the stock (the payments service's part
of the API); they also make the OpenAPI document. Money is integer minor units; times are in the
salon's offset. The payments service checks the salon's rules and names the fields at fault."""

from marshmallow import Schema, validate

from gateway.schemas import positive_id
from salon_infra import fields

MAX_MONEY = 10**10
METHODS = ["cash", "card", "gift_card", "membership"]
CARD_KINDS = ["membership", "gift_card"]
UNITS = ["pcs", "ml", "g", "cm"]


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=positive_id, **kwargs)


def _money(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=0, max=MAX_MONEY), **kwargs)


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=length), **kwargs)


def _optional_text(length: int) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=length))


# ---------------------------------------------------------------- the visit's checkout: requests


class PaymentRequestSchema(Schema):
    method = fields.String(
        required=True,
        validate=validate.OneOf(METHODS),
        metadata={"description": "Cash and Card go to the salon's default desk of their kind"},
    )
    amount = fields.Integer(
        validate=validate.Range(min=1, max=MAX_MONEY * 1000),
        metadata={"description": "leave out to pay all that is due (quick payment)"},
    )
    cash_desk_id = _id(metadata={"description": "a cash desk of the method's kind; the default if left out"})
    code = fields.String(validate=validate.Length(max=64), metadata={"description": "a gift card's or membership's"})


class SaleDiscountSchema(Schema):
    amount = fields.Integer(validate=validate.Range(min=0, max=MAX_MONEY * 1000))
    percent = fields.Raw(metadata={"description": "0 to 100, at most two decimals"})


class ProductSaleRequestSchema(Schema):
    product_id = _id(required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    storage_id = _id(metadata={"description": "a storage for sale; the first one if left out"})
    staff_member_id = _id(metadata={"description": "who sold it; the visit's staff member if left out"})
    price = _money(metadata={"description": "of one; the product's sale price if left out"})
    discount = fields.Nested(SaleDiscountSchema)


class ConsumableRequestSchema(Schema):
    line_id = _id(required=True, metadata={"description": "the service line it is used for"})
    product_id = _id(required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000),
                              metadata={"description": "in the product's unit"})  # fmt: skip
    storage_id = _id(metadata={"description": "a storage for services; the first one if left out"})


class BillOfMaterialsRequestSchema(Schema):
    line_id = _id(required=True)


class CardSaleRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(CARD_KINDS))
    type_id = _id(required=True)
    code = fields.String(validate=validate.Length(max=64),
                         metadata={"description": "typed by staff: 8 to 32 letters and digits, 4 of them different; "
                                                  "generated if left out"})  # fmt: skip


# ---------------------------------------------------------------- the visit's checkout: answers


class ConsumableSchema(Schema):
    id = fields.Integer()
    line_id = fields.Integer()
    product_id = fields.Integer()
    storage_id = fields.Integer()
    title = fields.String()
    unit = fields.String()
    quantity = fields.Integer()
    from_bill_of_materials = fields.Boolean()
    created_at = fields.String()
    state = fields.String()


class BillLineSchema(Schema):
    line_id = fields.Integer(metadata={"description": "the appointment's service line"})
    service_id = fields.Integer()
    title = fields.String()
    category_id = fields.Integer(allow_none=True)
    price = fields.Integer()
    quantity = fields.Integer()
    discount = fields.Integer()
    total = fields.Integer()
    consumables = fields.List(fields.Nested(ConsumableSchema))


class ProductSaleSchema(Schema):
    id = fields.Integer()
    product_id = fields.Integer()
    storage_id = fields.Integer()
    staff_member_id = fields.Integer(allow_none=True)
    title = fields.String()
    unit = fields.String()
    price = fields.Integer()
    quantity = fields.Integer()
    discount = fields.Integer()
    discount_percent = fields.Float(allow_none=True)
    subtotal = fields.Integer()
    total = fields.Integer()
    created_at = fields.String()
    state = fields.String()


class CardSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "membership or gift_card"})
    type_id = fields.Integer()
    title = fields.String()
    code = fields.String(metadata={"description": "as printed: groups of four"})
    client_id = fields.Integer()
    price = fields.Integer()
    sold_at = fields.String()
    paid_at = fields.String(allow_none=True, metadata={"description": "when its visit's money came to pay for it"})
    expires_at = fields.String()
    state = fields.String(
        metadata={
            "description": "not_paid (usable once its visit has paid its price), active, used_up, expired or voided"
        }
    )
    uses_total = fields.Integer(metadata={"description": "membership"})
    uses_left = fields.Integer(metadata={"description": "membership"})
    service_ids = fields.List(fields.Integer())
    category_ids = fields.List(fields.Integer())
    face_value = fields.Integer(metadata={"description": "gift card"})
    balance = fields.Integer(metadata={"description": "gift card"})
    multiple_use = fields.Boolean()
    pays_for = fields.String(metadata={"description": "gift card: services, products or any"})


class BillPaymentSchema(Schema):
    id = fields.Integer()
    method = fields.String()
    amount = fields.Integer()
    cash_desk_id = fields.Integer(allow_none=True)
    code = fields.String(allow_none=True)
    pays_for = fields.String(allow_none=True)
    membership_uses = fields.Integer(metadata={"description": "one per unit of a service line paid"})
    covered_units = fields.List(fields.Dict(), metadata={"description": "a membership's: [{line_id, units}]"})
    covered_line_ids = fields.List(fields.Integer())
    taken_at = fields.String()
    taken_by_id = fields.Integer(allow_none=True)
    deleted_at = fields.String(allow_none=True)
    deleted_by_id = fields.Integer(allow_none=True)
    state = fields.String(metadata={"description": "live or deleted (kept in the history)"})


class BillSchema(Schema):
    appointment_id = fields.Integer()
    client_id = fields.Integer()
    staff_member_id = fields.Integer()
    state = fields.String(metadata={"description": "the visit's: booked, cancelled or deleted"})
    appointment_version = fields.Integer()
    version = fields.Integer()
    lines = fields.List(fields.Nested(BillLineSchema))
    products = fields.List(fields.Nested(ProductSaleSchema))
    cards = fields.List(fields.Nested(CardSchema), metadata={"description": "memberships and gift cards sold"})
    payments = fields.List(fields.Nested(BillPaymentSchema))
    services_total = fields.Integer()
    products_total = fields.Integer()
    cards_total = fields.Integer()
    sales_total = fields.Integer()
    total = fields.Integer()
    paid = fields.Integer()
    due = fields.Integer()
    overpaid = fields.Integer(metadata={"description": "paid beyond the total (a line made cheaper after paying)"})
    payment_status = fields.String(metadata={"description": "not_paid, partly_paid or paid"})
    paid_in_full = fields.Boolean()
    refund_status = fields.String(allow_none=True,
                                  metadata={"description": "manual_refund_required: money kept for a visit that "
                                                           "did not happen"})  # fmt: skip


class PaymentTakenSchema(Schema):
    payment = fields.Nested(BillPaymentSchema)
    bill = fields.Nested(BillSchema)
    replayed = fields.Boolean(metadata={"description": "the same Idempotency-Key and request: the first answer"})


class CardSoldSchema(Schema):
    bill = fields.Nested(BillSchema)
    card = fields.Nested(CardSchema)
    replayed = fields.Boolean(metadata={"description": "the same Idempotency-Key and request: the first answer"})


class CodeSchema(Schema):
    code = fields.String()


class CardQuerySchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))


# ---------------------------------------------------------------- the till


class CashDeskSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = _text(100, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["cash", "non_cash"]))
    is_default = fields.Boolean(metadata={"description": "one default of each kind; the first is it"})
    active = fields.Boolean(dump_only=True)


class CashDeskChangesSchema(Schema):
    title = _text(100)
    is_default = fields.Boolean()
    active = fields.Boolean()


class TakingsQuerySchema(Schema):
    date = fields.Date(required=True, metadata={"description": "the salon's local day"})


class TakingsDeletionSchema(Schema):
    payment_id = fields.Integer()
    method = fields.String()
    amount = fields.Integer(metadata={"description": "negative: given back that day"})
    cash_desk_id = fields.Integer(allow_none=True)
    taken_at = fields.String()
    deleted_at = fields.String()
    deleted_by_id = fields.Integer(allow_none=True)


_TAKINGS_ROW = "taken (that day), deleted (that day, whenever taken), amount (taken - deleted), payments, deletions"


class TakingsSchema(Schema):
    date = fields.String()
    timezone = fields.String()
    total = fields.Integer(metadata={"description": "money (cash and card) taken that day less money deleted that day"})
    money = fields.Dict(metadata={"description": f"cash and card: {{{_TAKINGS_ROW}}}"})
    by_cash_desk = fields.List(fields.Dict(),
                               metadata={"description": f"{{cash_desk_id, title, kind, {_TAKINGS_ROW}}}"})  # fmt: skip
    by_method = fields.List(fields.Dict(), metadata={"description": f"cash, card: {{method, {_TAKINGS_ROW}}}"})
    redemptions = fields.Dict(metadata={"description": "gift cards and memberships spent, never added to the money: "
                                                       f"{{{_TAKINGS_ROW}, by_method}}"})  # fmt: skip
    deletions = fields.List(fields.Nested(TakingsDeletionSchema), metadata={"description": "the day's negative "
                                                                                           "entries"})  # fmt: skip


class MembershipTypeSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = _text(200, required=True)
    price = _money(required=True)
    uses = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    validity_days = fields.Integer(required=True, validate=validate.Range(min=1, max=3660))
    service_ids = fields.List(_id(), validate=validate.Length(max=500))
    category_ids = fields.List(_id(), validate=validate.Length(max=500))
    active = fields.Boolean()


class GiftCardTypeSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = _text(200, required=True)
    face_value = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_MONEY))
    price = _money(metadata={"description": "the face value if left out"})
    multiple_use = fields.Boolean()
    pays_for = fields.String(validate=validate.OneOf(["services", "products", "any"]))
    validity_days = fields.Integer(required=True, validate=validate.Range(min=1, max=3660))
    active = fields.Boolean()


# ---------------------------------------------------------------- products and stock


class ListQuerySchema(Schema):
    active_only = fields.Boolean(load_default=False)


class ProductSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = _text(200, required=True)
    article = _optional_text(64)
    barcode = _optional_text(64)
    unit = fields.String(validate=validate.OneOf(UNITS))
    sale_price = _money()
    cost_price = _money()
    category = _optional_text(100)
    active = fields.Boolean()


class StorageSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = _text(100, required=True)
    for_sale = fields.Boolean()
    for_services = fields.Boolean()
    allows_negative = fields.Boolean()
    active = fields.Boolean()


class StockQuerySchema(Schema):
    storage_id = _id(load_default=None)
    product_id = _id(load_default=None)


class StockLevelSchema(Schema):
    storage_id = fields.Integer()
    product_id = fields.Integer()
    quantity = fields.Integer(metadata={"description": "what the storage's ledger of the product adds up to"})


class MovementRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["arrival", "write_off"]))
    storage_id = _id(required=True)
    product_id = _id(required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    note = fields.String(validate=validate.Length(max=500))


class MovementQuerySchema(Schema):
    product_id = _id(load_default=None)
    storage_id = _id(load_default=None)
    before_id = _id(load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class MovementSchema(Schema):
    id = fields.Integer()
    storage_id = fields.Integer()
    product_id = fields.Integer()
    kind = fields.String(metadata={"description": "arrival, sale, consumable, write_off, sale_return, "
                                                  "consumable_return"})  # fmt: skip
    quantity = fields.Integer(metadata={"description": "signed: what it adds to the stock"})
    created_at = fields.String()
    created_by_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)


class MaterialItemSchema(Schema):
    product_id = _id(required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000),
                              metadata={"description": "for one of the service"})  # fmt: skip
    storage_id = _id(allow_none=True, metadata={"description": "a storage for services; the first one if none"})


class BillOfMaterialsSchema(Schema):
    id = fields.Integer(dump_only=True)
    service_id = _id(required=True)
    staff_member_id = _id(allow_none=True, metadata={"description": "only this staff member's; all if none"})
    items = fields.List(fields.Nested(MaterialItemSchema), required=True, validate=validate.Length(max=50),
                        metadata={"description": "none removes it"})  # fmt: skip


class BillsOfMaterialsQuerySchema(Schema):
    service_id = _id(load_default=None)
