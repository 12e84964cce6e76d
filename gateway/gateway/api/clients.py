"""The salon's client cards."""

from flask.views import MethodView

from gateway.access import calendar_required
from gateway.auth import SECURITY, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import ClientCardSchema, ClientSearchSchema

blp = Blueprint("clients", __name__, url_prefix="/api/v1", description="Client cards")


@blp.route("/clients")
class Clients(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(ClientSearchSchema, location="query")
    @blp.response(200, ClientCardSchema(many=True))
    @calendar_required
    def get(self, query):
        """Find clients by part of the name or of the phone number, to book them from the calendar."""
        company = remote().companies.get(staff_user().company_id)
        return remote().clients.search_clients(company["id"], query["q"], query["limit"], company["country"])


@blp.route("/clients/<id:client_id>")
class Client(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, ClientCardSchema)
    @calendar_required
    def get(self, client_id):
        return remote().clients.get_client(staff_user().company_id, client_id)
