"""Staff sign in with a JWT that carries their company, role, named rights (accounts'
domain/rights.py), the staff member they are, if any, their token version (`ver`) and its own id
(`jti`); an endpoint asks for one right with `right_required(rights.MANAGE_SETTINGS)` (the names are
in gateway.rights).

Rights are read from the token. A change to a user or their role that alters them bumps the user's
token version in accounts, and every request's token is checked against it (gateway.revocation):
the old token fails within TOKEN_CHECK_SECONDS and the user signs in again with the new rights.
Signing out denies the token at once. accounts re-reads the acting user's rights itself for changes
to users and roles."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

import jwt
from flask import current_app, g, request

from gateway import rights
from gateway.errors import Forbidden, Unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True)
class StaffUser:
    user_id: int
    company_id: int
    role: str
    rights: frozenset[str] = frozenset()
    staff_member_id: int | None = None  # the staff member this user is, for their own calendar column

    @property
    def actor(self) -> dict:
        return {"kind": "user", "id": self.user_id}


def issue_token(user: dict) -> tuple[str, int]:
    settings = current_app.config["SALON_SETTINGS"]
    now = datetime.now(UTC)
    claims = {
        "sub": str(user["id"]),
        "company_id": user["company_id"],
        "role": user["role"],
        "rights": list(user["rights"]),
        "staff_member_id": user.get("staff_member_id"),
        "ver": user["token_version"],
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + settings.token_ttl,
    }
    current_app.extensions["salon.revocations"].remember(user["company_id"], user["id"], user["token_version"])
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM), int(settings.token_ttl.total_seconds())


def authenticated() -> StaffUser:
    """The signed-in user of this request: a valid token, neither revoked nor signed out."""
    token = bearer_token()
    claims = token_claims(token, current_app.config["SALON_SETTINGS"].jwt_secret)
    try:
        user_id, company_id = int(claims["sub"]), claims["company_id"]
    except (TypeError, ValueError):
        raise Unauthorized("invalid token") from None
    if type(company_id) is not int:
        raise Unauthorized("invalid token")
    current_app.extensions["salon.revocations"].check(company_id, user_id, claims.get("ver"), claims.get("jti"))
    rights, staff_member_id = claims.get("rights"), claims.get("staff_member_id")
    return StaffUser(
        user_id,
        company_id,
        claims.get("role", ""),
        frozenset(rights) if isinstance(rights, list) else frozenset(),
        staff_member_id if type(staff_member_id) is int else None,
    )


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("sign in first: send Authorization: Bearer <token>")
    return token


def token_claims(token: str, secret: str) -> dict:
    """The claims of a token this gateway signed and that has not expired; Unauthorized otherwise."""
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "company_id"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the sign-in has expired; sign in again") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("invalid token") from None


SIGNED_IN = "signed in"
"""What `staff_required` asks: a valid token and nothing more. Only the endpoints about the signed-in
user themselves may ask just that (a test walks every route)."""


def staff_required(view):
    @wraps(view)
    def checked(*args, **kwargs):
        g.staff_user = authenticated()
        return view(*args, **kwargs)

    checked.salon_access = SIGNED_IN
    return checked


def right_required(right: str, *alternatives: str):
    """A signed-in user holding `right` (or one of the alternatives); anyone else is Forbidden,
    told which right is missing."""
    wanted = frozenset((right, *alternatives))
    if unknown := wanted - rights.ALL:
        raise ValueError(f"not rights of the catalogue: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            user = authenticated()
            if not user.rights & wanted:
                names = " or ".join(sorted(wanted))
                raise Forbidden(f"this needs the right {names}, which your role does not have")
            g.staff_user = user
            return view(*args, **kwargs)

        checked.salon_access = wanted
        return checked

    return decorator


def staff_user() -> StaffUser:
    return g.staff_user


SECURITY = [{"bearerAuth": []}]
