"""Signing up a salon, signing in, and the salon's own profile."""

from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, issue_token, right_required, staff_required, staff_user
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import (
    CompanyFieldsSchema,
    CompanySchema,
    LoginSchema,
    SignedUpOwnerSchema,
    SignupSchema,
    UserAccountSchema,
    UserSessionSchema,
)

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Sign up, sign in, the salon's profile")


@blp.route("/signup")
class Signup(MethodView):
    @blp.arguments(SignupSchema)
    @blp.response(201, SignedUpOwnerSchema)
    def post(self, signup):
        """Open a new salon with its owner's login."""
        created = remote().scheduling.create_company(signup["company"], signup["owner"])
        token, _ = issue_token(created["user"])
        return {**created, "access_token": token}


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, UserSessionSchema)
    def post(self, credentials):
        """Sign in a member of staff; the token goes in `Authorization: Bearer <token>`."""
        user = remote().scheduling.authenticate(
            credentials["company_id"], credentials["email"], credentials["password"]
        )
        token, expires_in = issue_token(user)
        return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "user": user}


@blp.route("/company")
class Company(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, CompanySchema)
    @staff_required
    def get(self):
        """The signed-in user's salon."""
        return remote().scheduling.get_company(staff_user().company_id)

    @blp.doc(security=SECURITY)
    @blp.arguments(CompanyFieldsSchema(partial=True))
    @blp.response(200, CompanySchema)
    @right_required(rights.MANAGE_SETTINGS)
    def patch(self, changes):
        """Change the salon's name, time zone, currency, country or slot step."""
        company_id = staff_user().company_id
        company = remote().scheduling.update_company(company_id, changes)
        remote().companies.forget(company_id)
        return company


@blp.route("/me")
class Me(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, UserAccountSchema(only=("id", "company_id", "role", "rights")))
    @staff_required
    def get(self):
        """Who the token says is signed in, with the rights it grants."""
        user = staff_user()
        return {"id": user.user_id, "company_id": user.company_id, "role": user.role, "rights": sorted(user.rights)}
