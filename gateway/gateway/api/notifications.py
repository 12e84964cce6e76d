"""What the salon sent: every SMS and email, the development SMS inbox, and today's counts against the caps."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import MessageQuerySchema, MessageSchema, NotificationUsageSchema

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


@blp.route("/notifications/usage")
class Usage(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, NotificationUsageSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def get(self):
        """Today's SMS and emails against the salon's daily caps. Over a cap, an SMS is refused (a phone
        code: 429 naming `sms_daily_cap`) and a booking's message is kept as failed, until `resets_at`."""
        company_id = staff_user().company_id
        usage = remote().notifications.get_daily_usage(company_id)
        timezone = remote().companies.get(company_id)["timezone"]
        resets_at = datetime.fromisoformat(usage["resets_at"]).astimezone(ZoneInfo(timezone))
        return {**usage, "resets_at": resets_at.isoformat()}
