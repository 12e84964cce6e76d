"""Products and stock: products, storages (for sale and/or for services), stock levels, arrivals and
write-offs, the ledger, and bills of materials (what a service uses up)."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.checkout_schemas import (
    BillOfMaterialsSchema,
    BillsOfMaterialsQuerySchema,
    ListQuerySchema,
    MovementQuerySchema,
    MovementRequestSchema,
    MovementSchema,
    ProductSchema,
    StockLevelSchema,
    StockQuerySchema,
    StorageSchema,
)
from gateway.parsing import Blueprint
from gateway.till import in_salon_time, payments, salon_timezone

blp = Blueprint("products", __name__, url_prefix="/api/v1", description="Products, storages and stock")

# Products and storages are read by whoever sells them or writes them off in a visit.
READERS = (
    rights.MANAGE_PRODUCTS_AND_STOCK,
    rights.TAKE_PAYMENTS,
    rights.CALENDAR_ALL_STAFF,
    rights.CALENDAR_OWN_COLUMN,
)
MANAGE = rights.MANAGE_PRODUCTS_AND_STOCK


def _catalogue(kind: str, schema, path: str, name: str):
    class Many(MethodView):
        @blp.doc(security=SECURITY)
        @blp.arguments(ListQuerySchema, location="query")
        @blp.response(200, schema(many=True))
        @right_required(*READERS)
        def get(self, query):
            return payments().list_catalogue(staff_user().company_id, kind, query)

        @blp.doc(security=SECURITY)
        @blp.arguments(schema)
        @blp.response(201, schema)
        @right_required(MANAGE)
        def post(self, fields):
            return payments().create_catalogue(staff_user().company_id, kind, fields)

    class One(MethodView):
        @blp.doc(security=SECURITY)
        @blp.arguments(schema(partial=True))
        @blp.response(200, schema)
        @right_required(MANAGE)
        def patch(self, changes, record_id):
            return payments().update_catalogue(staff_user().company_id, kind, record_id, changes)

    Many.__name__, One.__name__ = f"{name}s", name
    blp.route(f"/{path}", endpoint=f"{kind}s")(Many)
    blp.route(f"/{path}/<id:record_id>", endpoint=kind)(One)


_catalogue("product", ProductSchema, "products", "Product")
_catalogue("storage", StorageSchema, "storages", "Storage")


@blp.route("/stock")
class Stock(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(StockQuerySchema, location="query")
    @blp.response(200, StockLevelSchema(many=True))
    @right_required(*READERS)
    def get(self, query):
        """How many of each product each storage holds: what its ledger adds up to."""
        asked = {"storage_id": query["storage_id"]}
        if query["product_id"]:
            asked["product_ids"] = [query["product_id"]]
        return payments().stock_levels(staff_user().company_id, asked)


@blp.route("/stock/movements")
class StockMovements(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(MovementQuerySchema, location="query")
    @blp.response(200, MovementSchema(many=True))
    @right_required(MANAGE)
    def get(self, query):
        """The ledger, newest first (`before_id` for the next page)."""
        company_id = staff_user().company_id
        return in_salon_time(payments().stock_movements(company_id, query), salon_timezone(company_id))

    @blp.doc(security=SECURITY)
    @blp.arguments(MovementRequestSchema)
    @blp.response(201, MovementSchema)
    @right_required(MANAGE)
    def post(self, movement):
        """An arrival, or a write-off (never below zero unless the storage allows negative stock)."""
        company_id = staff_user().company_id
        made = payments().record_stock_movement(company_id, {**movement, "actor_id": staff_user().user_id})
        return in_salon_time(made, salon_timezone(company_id))


@blp.route("/bills-of-materials")
class BillsOfMaterials(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(BillsOfMaterialsQuerySchema, location="query")
    @blp.response(200, BillOfMaterialsSchema(many=True))
    @right_required(*READERS)
    def get(self, query):
        return payments().list_bills_of_materials(staff_user().company_id, query["service_id"])

    @blp.doc(security=SECURITY)
    @blp.arguments(BillOfMaterialsSchema)
    @blp.response(200, BillOfMaterialsSchema)
    @right_required(MANAGE)
    def put(self, bill_of_materials):
        """What a service uses up, for every staff member or one; the items replace the old ones (none: removed)."""
        saved = payments().set_bill_of_materials(staff_user().company_id, bill_of_materials)
        return saved or {**bill_of_materials, "items": []}
