"""The salon's users, their roles and the rights a role can hold."""

from flask import current_app
from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import NewUserSchema, RightSchema, RoleSchema, UserAccountSchema, UserChangesSchema

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Users, roles and rights")


def _company() -> int:
    return staff_user().company_id


def _actor() -> dict:
    """accounts checks against the acting user's current rights that nobody grants more than they hold."""
    return {"acting_user_id": staff_user().user_id}


@blp.route("/rights")
class Rights(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, RightSchema(many=True))
    @right_required(rights.MANAGE_USERS)
    def get(self):
        """Every right a role can hold, in display order."""
        return remote().accounts.list_rights()


@blp.route("/roles")
class Roles(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, RoleSchema(many=True))
    @right_required(rights.MANAGE_USERS)
    def get(self):
        """The built-in roles (owner, administrator, specialist), then the salon's own."""
        return remote().accounts.list_roles(_company())

    @blp.doc(security=SECURITY)
    @blp.arguments(RoleSchema)
    @blp.response(201, RoleSchema)
    @right_required(rights.MANAGE_USERS)
    def post(self, role):
        return remote().accounts.create_role(_company(), role, **_actor())


@blp.route("/roles/<id:role_id>")
class Role(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(RoleSchema(partial=True))
    @blp.response(200, RoleSchema)
    @right_required(rights.MANAGE_USERS)
    def patch(self, changes, role_id):
        """Rename a custom role or change its rights; the built-in roles never change. Everyone holding
        the role is signed out within TOKEN_CHECK_SECONDS (30 s by default), to sign in with its new rights."""
        return remote().accounts.update_role(_company(), role_id, changes, **_actor())


@blp.route("/users")
class Users(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, UserAccountSchema(many=True))
    @right_required(rights.MANAGE_USERS)
    def get(self):
        return remote().accounts.list_users(_company())

    @blp.doc(security=SECURITY)
    @blp.arguments(NewUserSchema)
    @blp.response(201, UserAccountSchema)
    @right_required(rights.MANAGE_USERS)
    def post(self, user):
        return remote().accounts.create_user(_company(), user, **_actor())


@blp.route("/users/<id:user_id>")
class User(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(UserChangesSchema)
    @blp.response(200, UserAccountSchema)
    @right_required(rights.MANAGE_USERS)
    def patch(self, changes, user_id):
        """Change a user's name, role, password or linked staff member, or switch them off. The salon's
        last active owner stays. A change of role, password, staff member or switching off ends the
        user's sign-ins at once; they sign in again with what changed."""
        changed = remote().accounts.update_user(_company(), user_id, changes, **_actor())
        current_app.extensions["salon.revocations"].forget(_company(), user_id)
        return changed
