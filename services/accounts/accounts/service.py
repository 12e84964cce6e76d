"""The accounts service's RPC entrypoints and event handlers: validate, call a handler, dump."""

import logging

from marshmallow import ValidationError
from nameko.timer import timer

from accounts.handlers import carry_over, login, signup, users
from accounts.passwords import PasswordHashing
from accounts.schemas import (
    ActingUserSchema,
    CarryOverEventSchema,
    CompanyIdSchema,
    CredentialsSchema,
    NewRoleSchema,
    NewUserSchema,
    RightSchema,
    RoleChangesSchema,
    RoleIdSchema,
    RoleSchema,
    SignupSchema,
    TokenStateSchema,
    UserChangesSchema,
    UserIdSchema,
    UserSchema,
)
from salon_infra.dependencies import Database, HealthChecks, TimedRpcProxy
from salon_infra.errors import InvalidInput
from salon_infra.nameko import event_handler, rpc
from salon_infra.validation import load

log = logging.getLogger(__name__)

USER = UserSchema()
USERS = UserSchema(many=True)
ROLE = RoleSchema()
ROLES = RoleSchema(many=True)
RIGHTS = RightSchema(many=True)
TOKEN_STATE = TokenStateSchema()


def _fields(name: str, value) -> dict:
    """A dict argument; anything else is InvalidInput on `name`."""
    if not isinstance(value, dict):
        raise InvalidInput.field(name, "Must be an object.")
    return value


class AccountsService(HealthChecks):
    name = "accounts"
    uow = Database("accounts")
    passwords = PasswordHashing()
    scheduling = TimedRpcProxy("scheduling")

    # ---------------------------------------------------------------- signup and signing in

    @rpc
    def signup(self, company, owner):
        """A new salon: its company in scheduling, its built-in roles and its owner here, all or nothing."""
        command = load(SignupSchema(), {"company": company, "owner": owner})
        created, user = signup.signup(self.uow, self.passwords, self.scheduling, command["company"], command["owner"])
        return {"company": created, "user": USER.dump(user)}

    @rpc
    def authenticate(self, company_id, email, password):
        credentials = load(CredentialsSchema(), {"company_id": company_id, "email": email, "password": password})
        return USER.dump(login.authenticate(self.uow, self.passwords, **credentials))

    @rpc
    def token_state(self, company_id, user_id):
        """{user_id, token_version}: the version the user's tokens must carry, None when none may work."""
        query = load(UserIdSchema(), {"company_id": company_id, "user_id": user_id})
        return TOKEN_STATE.dump(users.token_state(self.uow, query["company_id"], query["user_id"]))

    # ---------------------------------------------------------------- roles, rights and users
    # `acting_user_id`, when given, is the user making the change: nobody grants rights beyond their own.

    @rpc
    def list_rights(self):
        return RIGHTS.dump(users.list_rights())

    @rpc
    def list_roles(self, company_id):
        query = load(CompanyIdSchema(), {"company_id": company_id})
        return ROLES.dump(users.list_roles(self.uow, query["company_id"]))

    @rpc
    def create_role(self, company_id, role, acting_user_id=None):
        query = load(ActingUserSchema(), {"company_id": company_id, "acting_user_id": acting_user_id})
        new = load(NewRoleSchema(), _fields("role", role))
        return ROLE.dump(
            users.create_role(
                self.uow, self.scheduling.identity_high_water, query["company_id"], new, query["acting_user_id"]
            )
        )

    @rpc
    def update_role(self, company_id, role_id, changes, acting_user_id=None):
        query = load(RoleIdSchema(), {"company_id": company_id, "role_id": role_id, "acting_user_id": acting_user_id})
        changes = load(RoleChangesSchema(), _fields("changes", changes))
        return ROLE.dump(users.update_role(self.uow, **query, changes=changes))

    @rpc
    def list_users(self, company_id):
        query = load(CompanyIdSchema(), {"company_id": company_id})
        return USERS.dump(users.list_users(self.uow, query["company_id"]))

    @rpc
    def get_user(self, company_id, user_id):
        query = load(UserIdSchema(), {"company_id": company_id, "user_id": user_id})
        return USER.dump(users.get_user(self.uow, query["company_id"], query["user_id"]))

    @rpc
    def create_user(self, company_id, user, acting_user_id=None):
        query = load(ActingUserSchema(), {"company_id": company_id, "acting_user_id": acting_user_id})
        new = load(NewUserSchema(), _fields("user", user))
        created = users.create_user(
            self.uow, self.passwords, self.scheduling, query["company_id"], new, query["acting_user_id"]
        )
        return USER.dump(created)

    @rpc
    def update_user(self, company_id, user_id, changes, acting_user_id=None):
        query = load(UserIdSchema(), {"company_id": company_id, "user_id": user_id, "acting_user_id": acting_user_id})
        changes = load(UserChangesSchema(), _fields("changes", changes))
        return USER.dump(users.update_user(self.uow, self.passwords, self.scheduling, **query, changes=changes))

    # ---------------------------------------------------------------- signups left half done

    @timer(interval=60)
    def discard_abandoned_signups(self):
        """A signup whose company was made but whose owner never was: discard the company."""
        signup.discard_abandoned(self.uow, self.scheduling)

    # ---------------------------------------------------------------- users and roles moved from scheduling

    @event_handler("scheduling", "identity_carried_over", requeue_on_error=True)
    def on_identity_carried_over(self, payload):
        try:
            event = CarryOverEventSchema().load(payload)
        except ValidationError as problem:
            # Not the payload itself: it holds password hashes.
            log.error("dropping a malformed identity_carried_over event: %s", problem)
            return
        data = event["data"]
        written = carry_over.carry_over(self.uow, event["event_id"], event["company_id"], data["roles"], data["users"])
        log.info("company %s: %s users and roles carried over from scheduling", event["company_id"], written)
