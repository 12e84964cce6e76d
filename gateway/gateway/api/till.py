"""The till: cash desks (cash or non-cash, one default of each), the day's takings, membership and
gift-card types, generating a card's code and finding a card by its code."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.checkout_schemas import (
    CardQuerySchema,
    CardSchema,
    CashDeskChangesSchema,
    CashDeskSchema,
    CodeSchema,
    GiftCardTypeSchema,
    MembershipTypeSchema,
    TakingsQuerySchema,
    TakingsSchema,
)
from gateway.parsing import Blueprint
from gateway.till import in_salon_time, payments, salon_timezone

blp = Blueprint("till", __name__, url_prefix="/api/v1", description="Cash desks, takings, memberships and gift cards")

# Who sees the till's settings: whoever takes money or sells cards, and whoever sets them up.
TILL_USERS = (rights.TAKE_PAYMENTS, rights.SELL_MEMBERSHIPS_AND_GIFT_CARDS, rights.MANAGE_SETTINGS)


@blp.route("/cash-desks")
class CashDesks(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, CashDeskSchema(many=True))
    @right_required(*TILL_USERS)
    def get(self):
        return payments().list_cash_desks(staff_user().company_id)

    @blp.doc(security=SECURITY)
    @blp.arguments(CashDeskSchema)
    @blp.response(201, CashDeskSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def post(self, desk):
        """A cash desk; the first of its kind is the default, and a new default takes over."""
        return payments().create_cash_desk(staff_user().company_id, desk)


@blp.route("/cash-desks/<id:cash_desk_id>")
class CashDesk(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CashDeskChangesSchema)
    @blp.response(200, CashDeskSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def patch(self, changes, cash_desk_id):
        return payments().update_cash_desk(staff_user().company_id, cash_desk_id, changes)


@blp.route("/takings")
class Takings(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(TakingsQuerySchema, location="query")
    @blp.response(200, TakingsSchema)
    @right_required(rights.TAKE_PAYMENTS)
    def get(self, query):
        """A day's takings in the salon's local day, per cash desk and per method."""
        company_id = staff_user().company_id
        return payments().takings(company_id, {"date": query["date"].isoformat(),
                                               "timezone": salon_timezone(company_id)})  # fmt: skip


def _catalogue(kind: str, schema):
    """GET and POST on /<kinds>, PATCH on /<kinds>/{id}: the till's types."""

    class Many(MethodView):
        @blp.doc(security=SECURITY)
        @blp.response(200, schema(many=True))
        @right_required(*TILL_USERS)
        def get(self):
            return payments().list_catalogue(staff_user().company_id, kind)

        @blp.doc(security=SECURITY)
        @blp.arguments(schema)
        @blp.response(201, schema)
        @right_required(rights.MANAGE_SETTINGS)
        def post(self, fields):
            return payments().create_catalogue(staff_user().company_id, kind, fields)

    class One(MethodView):
        @blp.doc(security=SECURITY)
        @blp.arguments(schema(partial=True))
        @blp.response(200, schema)
        @right_required(rights.MANAGE_SETTINGS)
        def patch(self, changes, type_id):
            return payments().update_catalogue(staff_user().company_id, kind, type_id, changes)

    return Many, One


_path = {"membership_type": "membership-types", "gift_card_type": "gift-card-types"}
for _kind, _schema in (("membership_type", MembershipTypeSchema), ("gift_card_type", GiftCardTypeSchema)):
    _many, _one = _catalogue(_kind, _schema)
    _many.__name__, _one.__name__ = f"{_schema.__name__[:-6]}s", _schema.__name__[:-6]
    blp.route(f"/{_path[_kind]}", endpoint=f"{_kind}s")(_many)
    blp.route(f"/{_path[_kind]}/<id:type_id>", endpoint=_kind)(_one)


@blp.route("/card-codes")
class CardCodes(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(201, CodeSchema)
    @right_required(rights.SELL_MEMBERSHIPS_AND_GIFT_CARDS)
    def post(self):
        """A fresh code no card of the salon has, not guessable ("round arrow")."""
        return payments().generate_code(staff_user().company_id)


@blp.route("/cards")
class Cards(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CardQuerySchema, location="query")
    @blp.response(200, CardSchema)
    @right_required(rights.TAKE_PAYMENTS, rights.SELL_MEMBERSHIPS_AND_GIFT_CARDS)
    def get(self, query):
        """The membership or gift card with this code: what is left on it, until when."""
        company_id = staff_user().company_id
        return in_salon_time(payments().find_card(company_id, query["code"]), salon_timezone(company_id))
