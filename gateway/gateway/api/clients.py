"""The salon's client cards."""

from flask.views import MethodView

from gateway.access import calendar_required, calendar_scope
from gateway.auth import SECURITY, staff_user
from gateway.errors import NotFound
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
        """Find clients by part of the name or of the phone number, to book them from the calendar.
        A user who sees only their own column finds only the clients who have been booked with them
        (a new or another's client is booked by phone and name)."""
        company = remote().companies.get(staff_user().company_id)
        found = remote().clients.search_clients(company["id"], query["q"], query["limit"], company["country"])
        return _theirs(company["id"], found)


@blp.route("/clients/<id:client_id>")
class Client(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, ClientCardSchema)
    @calendar_required
    def get(self, client_id):
        """A client's card: for a user who sees only their own column, one of their clients (404 else)."""
        company_id = staff_user().company_id
        if not _theirs(company_id, [{"id": client_id}]):
            raise NotFound(f"client {client_id} not found")
        return remote().clients.get_client(company_id, client_id)


def _theirs(company_id: int, clients: list[dict]) -> list[dict]:
    """The clients the user's calendar scope covers: all of them, or those of their column."""
    scope = calendar_scope()
    if scope.everyone or not clients:
        return clients
    ids = [client["id"] for client in clients]
    seen = set(remote().bookings.clients_of_staff_member(company_id, scope.staff_member_id, ids))
    return [client for client in clients if client["id"] in seen]
