"""The salon's services and their categories."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import CategorySchema, ServiceSchema

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="Services and service categories")


def _company() -> int:
    return staff_user().company_id


@blp.route("/service-categories")
class Categories(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, CategorySchema(many=True))
    @right_required(*rights.SALON_SETUP_READERS)
    def get(self):
        return remote().scheduling.list_service_categories(_company())

    @blp.doc(security=SECURITY)
    @blp.arguments(CategorySchema)
    @blp.response(201, CategorySchema)
    @right_required(rights.MANAGE_SETTINGS)
    def post(self, category):
        return remote().scheduling.create_service_category(_company(), category)


@blp.route("/service-categories/<id:category_id>")
class Category(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(CategorySchema(partial=True))
    @blp.response(200, CategorySchema)
    @right_required(rights.MANAGE_SETTINGS)
    def patch(self, changes, category_id):
        return remote().scheduling.update_service_category(_company(), category_id, changes)


@blp.route("/services")
class Services(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, ServiceSchema(many=True))
    @right_required(*rights.SALON_SETUP_READERS)
    def get(self):
        return remote().scheduling.list_services(_company(), include_inactive=True)

    @blp.doc(security=SECURITY)
    @blp.arguments(ServiceSchema)
    @blp.response(201, ServiceSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def post(self, service):
        """Add a service, with the staff members who perform it (and their own durations, if any)."""
        return remote().scheduling.create_service(_company(), service)


@blp.route("/services/<id:service_id>")
class Service(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, ServiceSchema)
    @right_required(*rights.SALON_SETUP_READERS)
    def get(self, service_id):
        return remote().scheduling.get_service(_company(), service_id)

    @blp.doc(security=SECURITY)
    @blp.arguments(ServiceSchema(partial=True))
    @blp.response(200, ServiceSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def patch(self, changes, service_id):
        return remote().scheduling.update_service(_company(), service_id, changes)
