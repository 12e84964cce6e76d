"""The salon's team: staff members, their working hours and the days that differ."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import (
    DateOverrideSchema,
    DayPlanSchema,
    StaffMemberSchema,
    WeeklyHoursSchema,
    WorkingHoursSchema,
)

blp = Blueprint("team", __name__, url_prefix="/api/v1", description="Staff members and their working hours")


def _company() -> int:
    return staff_user().company_id


@blp.route("/staff")
class StaffMembers(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, StaffMemberSchema(many=True))
    @right_required(*rights.SALON_SETUP_READERS)
    def get(self):
        return remote().scheduling.list_staff(_company(), include_inactive=True)

    @blp.doc(security=SECURITY)
    @blp.arguments(StaffMemberSchema)
    @blp.response(201, StaffMemberSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def post(self, staff_member):
        return remote().scheduling.create_staff_member(_company(), staff_member)


@blp.route("/staff/<id:staff_member_id>")
class StaffMember(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, StaffMemberSchema)
    @right_required(*rights.SALON_SETUP_READERS)
    def get(self, staff_member_id):
        return remote().scheduling.get_staff_member(_company(), staff_member_id)

    @blp.doc(security=SECURITY)
    @blp.arguments(StaffMemberSchema(partial=True))
    @blp.response(200, StaffMemberSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def patch(self, changes, staff_member_id):
        return remote().scheduling.update_staff_member(_company(), staff_member_id, changes)


@blp.route("/staff/<id:staff_member_id>/working-hours")
class WorkingHours(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, WorkingHoursSchema)
    @right_required(rights.CALENDAR_ALL_STAFF, rights.CALENDAR_OWN_COLUMN, rights.MANAGE_SETTINGS)
    def get(self, staff_member_id):
        return remote().scheduling.get_working_hours(_company(), staff_member_id)

    @blp.doc(security=SECURITY)
    @blp.arguments(WeeklyHoursSchema)
    @blp.response(200, WorkingHoursSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def put(self, hours, staff_member_id):
        """Replace the weekly pattern; weekdays left out are days off."""
        return remote().scheduling.set_weekly_hours(_company(), staff_member_id, hours["weekly"])


@blp.route("/staff/<id:staff_member_id>/date-overrides/<string(maxlength=10):date>")
class DateOverride(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(DayPlanSchema)
    @blp.response(200, DateOverrideSchema)
    @right_required(rights.MANAGE_SETTINGS)
    def put(self, plan, staff_member_id, date):
        """Set one date's hours; no shifts makes it a day off."""
        return remote().scheduling.set_date_override(_company(), staff_member_id, date, plan["shifts"], plan["breaks"])

    @blp.doc(security=SECURITY)
    @blp.response(204)
    @right_required(rights.MANAGE_SETTINGS)
    def delete(self, staff_member_id, date):
        remote().scheduling.delete_date_override(_company(), staff_member_id, date)
