"""The visit's checkout: its bill (service lines from bookings, products sold, consumables, cards sold,
payments), taking payments (Cash / Card in one step, or split), deleting them, selling products,
memberships and gift cards, writing off consumables. Only for users who may see the appointment's
column (gateway.access via `own_appointment`), each change under its named right. Payments and
sales (products, cards) carry an Idempotency-Key: a double tap pays or sells once."""

from flask.views import MethodView

from gateway import rights
from gateway.access import calendar_required
from gateway.auth import SECURITY, right_required, staff_user
from gateway.checkout_schemas import (
    BillOfMaterialsRequestSchema,
    BillSchema,
    CardSaleRequestSchema,
    CardSoldSchema,
    ConsumableRequestSchema,
    PaymentRequestSchema,
    PaymentTakenSchema,
    ProductSaleRequestSchema,
)
from gateway.errors import InvalidInput
from gateway.parsing import Blueprint
from gateway.till import in_salon_time, payments, salon_timezone, with_header_name

from .calendar import own_appointment
from .widget import IDEMPOTENCY_HEADER, idempotency_key

blp = Blueprint(
    "checkout",
    __name__,
    url_prefix="/api/v1/appointments/<id:appointment_id>",
    description="The visit's checkout: bill, payments, products, consumables, memberships, gift cards",
)

REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_HEADER,
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
    "description": "the same key and request replays the first answer; another request is refused",
}


def _visit(appointment_id: int) -> tuple[int, dict]:
    """(company, the appointment) if the user may see its column; 404 otherwise."""
    return staff_user().company_id, own_appointment(appointment_id)


def _local(company_id: int, answer: dict) -> dict:
    return in_salon_time(answer, salon_timezone(company_id))


def _actor() -> dict:
    return {"actor_id": staff_user().user_id}


def _required_key(what: str) -> str:
    key = idempotency_key()
    if key is None:
        raise InvalidInput("send an Idempotency-Key header", {IDEMPOTENCY_HEADER: [f"Every {what} carries one."]})
    return key


def _keyed(call, *args):
    """A payments call carrying the request's Idempotency-Key; its error on the key names the header."""
    try:
        return call(*args)
    except InvalidInput as problem:
        raise with_header_name(problem, "idempotency_key", IDEMPOTENCY_HEADER) from None


@blp.route("/bill")
class Bill(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, BillSchema)
    @calendar_required
    def get(self, appointment_id):
        """The visit's bill: what it holds, what has been paid (payments deleted too, marked) and what is due."""
        company_id, appointment = _visit(appointment_id)
        return _local(company_id, payments().get_bill(company_id, appointment_id, appointment["version"]))


@blp.route("/payments")
class Payments(MethodView):
    @blp.doc(security=SECURITY, parameters=[KEY_PARAMETER])
    @blp.arguments(PaymentRequestSchema)
    @blp.response(201, PaymentTakenSchema)
    @right_required(rights.TAKE_PAYMENTS)
    def post(self, payment, appointment_id):
        """Take a payment: Cash or Card without an amount pays all that is due; with an amount, a part
        of a split payment. Never more than is due (409 naming amount); two tills at once make one."""
        key = _required_key("payment")
        company_id, appointment = _visit(appointment_id)
        command = {**payment, **_actor(), "idempotency_key": key, "seen_version": appointment["version"]}
        return _local(company_id, _keyed(payments().take_payment, company_id, appointment_id, command))


@blp.route("/payments/<id:payment_id>")
class Payment(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, BillSchema)
    @right_required(rights.DELETE_PAYMENTS)
    def delete(self, appointment_id, payment_id):
        """Delete a payment: it stays in the history, marked deleted with who and when; what is due goes
        back up, and what it took from a gift card or membership comes back, once."""
        company_id, _ = _visit(appointment_id)
        return _local(company_id, payments().delete_payment(company_id, appointment_id, payment_id, _actor()))


@blp.route("/products")
class ProductSales(MethodView):
    @blp.doc(security=SECURITY, parameters=[KEY_PARAMETER])
    @blp.arguments(ProductSaleRequestSchema)
    @blp.response(201, BillSchema, headers={REPLAYED_HEADER: {"description": "true: the first answer, replayed",
                                                              "schema": {"type": "string"}}})  # fmt: skip
    @right_required(rights.TAKE_PAYMENTS)
    def post(self, sale, appointment_id):
        """Sell a product in the visit ("Add sale"): from a storage for sale, never more than is in stock,
        credited to a staff member of the salon (the visit's if left out). The same Idempotency-Key and
        body answers the bill as it was after the first sale, once sold."""
        key = _required_key("sale")
        company_id, appointment = _visit(appointment_id)
        sale = {**sale, **_actor(), "idempotency_key": key, "seen_version": appointment["version"]}
        sold = _keyed(payments().sell_product, company_id, appointment_id, sale)
        return _local(company_id, sold["bill"]), 201, {REPLAYED_HEADER: "true" if sold["replayed"] else "false"}


@blp.route("/products/<id:sale_id>")
class ProductSale(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, BillSchema)
    @right_required(rights.TAKE_PAYMENTS)
    def delete(self, appointment_id, sale_id):
        """Take a sale back: its stock returns, once."""
        company_id, _ = _visit(appointment_id)
        return _local(company_id, payments().remove_product_sale(company_id, appointment_id, sale_id, _actor()))


@blp.route("/consumables")
class Consumables(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(ConsumableRequestSchema)
    @blp.response(201, BillSchema)
    @calendar_required
    def post(self, consumable, appointment_id):
        """Add a consumable to a service line: written off from a storage for services."""
        company_id, appointment = _visit(appointment_id)
        consumable = {**consumable, **_actor(), "seen_version": appointment["version"]}
        return _local(company_id, payments().add_consumable(company_id, appointment_id, consumable))


@blp.route("/consumables/bill-of-materials")
class ApplyBillOfMaterials(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(BillOfMaterialsRequestSchema)
    @blp.response(201, BillSchema)
    @calendar_required
    def post(self, request, appointment_id):
        """Apply bill of materials: the service's consumables (the staff member's own, else the
        service's) times the line's quantity, in one step."""
        company_id, appointment = _visit(appointment_id)
        request = {**request, **_actor(), "seen_version": appointment["version"]}
        return _local(company_id, payments().apply_bill_of_materials(company_id, appointment_id, request))


@blp.route("/consumables/<id:consumable_id>")
class Consumable(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, BillSchema)
    @calendar_required
    def delete(self, appointment_id, consumable_id):
        """Remove a consumable: its write-off is reversed, once."""
        company_id, _ = _visit(appointment_id)
        return _local(company_id, payments().remove_consumable(company_id, appointment_id, consumable_id, _actor()))


@blp.route("/cards")
class CardSales(MethodView):
    @blp.doc(security=SECURITY, parameters=[KEY_PARAMETER])
    @blp.arguments(CardSaleRequestSchema)
    @blp.response(201, CardSoldSchema)
    @right_required(rights.SELL_MEMBERSHIPS_AND_GIFT_CARDS)
    def post(self, sale, appointment_id):
        """Sell a membership or gift card with the code typed (8 or more letters and digits) or a
        generated one ("round arrow"). It is usable once the visit's money has paid its price."""
        key = _required_key("sale")
        company_id, appointment = _visit(appointment_id)
        sale = {**sale, **_actor(), "idempotency_key": key, "seen_version": appointment["version"]}
        return _local(company_id, _keyed(payments().sell_card, company_id, appointment_id, sale))


@blp.route("/cards/<any(membership, gift_card):kind>/<id:card_id>")
class CardSale(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, BillSchema)
    @right_required(rights.SELL_MEMBERSHIPS_AND_GIFT_CARDS)
    def delete(self, appointment_id, kind, card_id):
        """Take back a card sold in this visit, if it has not been used; its code stays taken."""
        company_id, _ = _visit(appointment_id)
        return _local(company_id, payments().void_card(company_id, appointment_id, kind, card_id, _actor()))
