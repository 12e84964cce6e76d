"""The salon's appointment categories (title and colour) and the extra fields its appointments have."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import AppointmentCategorySchema, ExtraFieldSchema

blp = Blueprint(
    "appointment_settings", __name__, url_prefix="/api/v1", description="Appointment categories and extra fields"
)


def _company() -> int:
    return staff_user().company_id


@blp.route("/appointment-categories")
class Categories(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, AppointmentCategorySchema(many=True))
    @right_required(*rights.SALON_SETUP_READERS)
    def get(self):
        return remote().bookings.list_categories(_company())

    @blp.doc(security=SECURITY)
    @blp.arguments(AppointmentCategorySchema)
    @blp.response(201, AppointmentCategorySchema)
    @right_required(rights.MANAGE_SETTINGS)
    def post(self, category):
        """A category for appointments, e.g. "Team member is important"; titles are unique in the salon."""
        return remote().bookings.create_category(_company(), category)


@blp.route("/appointment-categories/<id:category_id>")
class Category(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(AppointmentCategorySchema(partial=True))
    @blp.response(200, AppointmentCategorySchema)
    @right_required(rights.MANAGE_SETTINGS)
    def patch(self, changes, category_id):
        return remote().bookings.update_category(_company(), category_id, changes)

    @blp.doc(security=SECURITY)
    @blp.response(204)
    @right_required(rights.MANAGE_SETTINGS)
    def delete(self, category_id):
        """Its appointments keep no category."""
        remote().bookings.delete_category(_company(), category_id)


@blp.route("/appointment-extra-fields")
class ExtraFields(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, ExtraFieldSchema(many=True))
    @right_required(*rights.SALON_SETUP_READERS)
    def get(self):
        return remote().bookings.list_extra_fields(_company())

    @blp.doc(security=SECURITY)
    @blp.arguments(ExtraFieldSchema)
    @blp.response(201, ExtraFieldSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def post(self, extra_field):
        """A field every appointment has: text, number, select (with options) or date; required or not."""
        return remote().bookings.create_extra_field(_company(), extra_field)


@blp.route("/appointment-extra-fields/<string(maxlength=50):code>")
class ExtraField(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(ExtraFieldSchema(partial=True, exclude=("code",)))
    @blp.response(200, ExtraFieldSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def patch(self, changes, code):
        return remote().bookings.update_extra_field(_company(), code, changes)

    @blp.doc(security=SECURITY)
    @blp.response(204)
    @right_required(rights.MANAGE_SETTINGS)
    def delete(self, code):
        """Values already given stay on their appointments."""
        remote().bookings.delete_extra_field(_company(), code)
