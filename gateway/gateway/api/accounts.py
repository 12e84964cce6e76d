"""Signing up a salon, signing in and out, and the salon's own profile."""

from flask import current_app
from flask.views import MethodView

from gateway import rate_limits, rights
from gateway.auth import (
    SECURITY,
    bearer_token,
    issue_token,
    right_required,
    staff_required,
    staff_user,
    token_claims,
)
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
    @blp.alt_response(429, description="Too many salons opened from this address; see Retry-After")
    @rate_limits.limit("signup_per_address", rate_limits.client_address)
    def post(self, signup):
        """Open a new salon with its owner's login (accounts makes the company in scheduling and the owner
        in one go: both or neither)."""
        with current_app.extensions["salon.sign_ins"].slot():  # the owner's password is hashed
            created = remote().accounts.signup(signup["company"], signup["owner"])
        token, _ = issue_token(created["user"])
        return {**created, "access_token": token}


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, UserSessionSchema)
    @blp.alt_response(429, description="Too many failed sign-ins for the account or address; see Retry-After")
    @rate_limits.limit("login_per_address", rate_limits.client_address, failures_only=True)
    @rate_limits.limit("login_per_account", rate_limits.account, failures_only=True)
    def post(self, credentials):
        """Sign in a member of staff; the token goes in `Authorization: Bearer <token>`.

        Failed sign-ins are limited per account and per client address: over either limit the
        password is not checked at all (429). A few sign-ins run at once (gateway.bulkhead)."""
        with current_app.extensions["salon.sign_ins"].slot():
            user = remote().accounts.authenticate(
                credentials["company_id"], credentials["email"], credentials["password"]
            )
        token, expires_in = issue_token(user)
        return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "user": user}


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(204)
    @staff_required  # a token already revoked or signed out is 401, as everywhere
    def post(self):
        """Sign out: this token stops working at once (other sign-ins of the user go on)."""
        claims = token_claims(bearer_token(), current_app.config["SALON_SETTINGS"].jwt_secret)
        current_app.extensions["salon.revocations"].sign_out(claims.get("jti"), claims["exp"])


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
