"""What the salon sent: every SMS and email, and the development SMS inbox."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import MessageQuerySchema, MessageSchema

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Messages sent to clients and staff")


@blp.route("/notifications/messages")
class Messages(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(MessageQuerySchema, location="query")
    @blp.response(200, MessageSchema(many=True))
    @right_required(rights.MANAGE_SETTINGS)
    def get(self, query):
        """Newest first. With the development SMS provider, this is where the texts arrive."""
        return remote().notifications.list_messages(staff_user().company_id, query)
