"""Overview > Bookings: every booking of the salon, filtered and paged, and deleting them."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.deletions import delete_visits
from gateway.localtime import day_bounds
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import DeleteBookingsSchema, DeletionSchema, OverviewPageSchema, OverviewQuerySchema
from gateway.views import in_local_time

blp = Blueprint("overview", __name__, url_prefix="/api/v1", description="All of the salon's bookings at once")


@blp.route("/bookings-overview")
class BookingsOverview(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(OverviewQuerySchema, location="query")
    @blp.response(200, OverviewPageSchema)
    @right_required(rights.VIEW_BOOKINGS_OVERVIEW)
    def get(self, query):
        """Bookings from every source in every state, deleted ones too; `next_cursor` gives the next page."""
        company = remote().companies.get(staff_user().company_id)
        page = remote().bookings.list_overview(company["id"], bookings_query(query, company["timezone"]))
        return {**page, "rows": named_rows(company, page["rows"]), "currency": company["currency"],
                "timezone": company["timezone"]}  # fmt: skip


@blp.route("/bookings-overview/delete")
class DeleteBookings(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(DeleteBookingsSchema)
    @blp.response(200, DeletionSchema)
    @right_required(rights.DELETE_BOOKINGS)
    def post(self, deletion):
        """Delete bookings for good; paid or arrived ones are skipped, with a reason, without the rights for them."""
        user = staff_user()
        return delete_visits(
            user.company_id, deletion["appointment_ids"], user.actor,
            may_delete_paid=rights.DELETE_PAID_BOOKINGS in user.rights,
            may_delete_arrived=rights.DELETE_ARRIVED_BOOKINGS in user.rights,
        )  # fmt: skip


def bookings_query(query: dict, timezone: str) -> dict:
    """The filters as the bookings service takes them: local days become UTC instants, ends exclusive."""
    converted = {key: value for key, value in query.items() if not key.endswith(("_from", "_to")) and key != "order"}
    for name in ("created", "visit"):
        first, last = query.get(f"{name}_from"), query.get(f"{name}_to")
        if first:
            converted[f"{name}_from"] = day_bounds(first, timezone)[0].isoformat()
        if last:
            converted[f"{name}_to"] = day_bounds(last, timezone)[1].isoformat()
    if "order" in query:
        converted["direction"] = query["order"]
    return {key: value for key, value in converted.items() if value is not None}


def named_rows(company: dict, rows: list[dict]) -> list[dict]:
    """Rows in local time, with staff members' and users' names."""
    users = {user["id"]: user["name"] for user in remote().accounts.list_users(company["id"])}
    categories = {category["id"]: category for category in remote().bookings.list_categories(company["id"])}
    named = []
    for row in rows:
        creator = row["created_by"]
        staff_member = remote().staff_member(company["id"], row["staff_member_id"])
        named.append(
            {
                **in_local_time(row, company["timezone"]),
                "created_by": {**creator, "name": users.get(creator["id"]) if creator["kind"] == "user" else None},
                "staff_member": {"id": staff_member["id"], "name": staff_member["name"]},
                "client": {"id": row["client_id"], "name": row["client_name"], "phone": row["client_phone"]},
                "category": categories.get(row["category_id"]),
                "deleted_by": (
                    {"id": row["deleted_by_id"], "name": users.get(row["deleted_by_id"])}
                    if row.get("deleted_by_id")
                    else None
                ),
            }
        )
    return named
