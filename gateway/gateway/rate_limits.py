"""Rate limits on the public doors a stranger can knock on, shared by every gateway replica.

flask-limiter on Redis (REDIS_URL, keys under REDIS_PREFIX), moving windows. Each limit has a name,
a value from the environment (RATE_LIMIT_<NAME>, flask-limiter's notation: "10 per 15 minutes",
"5/hour"; several with ";") and what it counts:

| name | counts |
|---|---|
| login_per_account | failed sign-ins (401) for one email |
| login_per_address | failed sign-ins (401) from one client address |
| signup_per_address | salons opened (any valid request) from one client address |
| widget_bookings_per_company | widget bookings and group-event seats booked online at one salon |
| widget_bookings_per_address | the same, from one client address |
| phone_codes_per_company | SMS phone codes asked for at one salon |
| phone_codes_per_address | the same, from one client address |

A refusal is 429 with Retry-After (the seconds until the window lets one more in) and a body naming
the limit: {"code": 429, ..., "message", "limit": {"name", "rate"}}. A limit is checked once the
request's body is valid, before any service is asked, so a refused login never reaches the
password hash. The client address is `request.remote_addr`, which TRUSTED_PROXY_HOPS
(werkzeug's ProxyFix, app.py) makes the real client's behind the ingress.

Redis unreachable: every replica goes on limiting on its own, in memory (flask-limiter's in-memory
fallback), logs "Rate limit storage unreachable", and goes back to Redis once it answers (checked
after 1, 2, 4 ... 32 s). Nothing is refused for Redis being down: the limits hold per replica,
so at most replicas x the limit get through meanwhile.

One `limiter` per process (flask-limiter's decorators are made at import): the last app that
`init_app` ran on gives it its storage. gunicorn makes one app per worker.
"""

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from gateway.errors import TooManyRequests, api_error_response

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitSpec:
    default: str
    refusal: str  # what the client is told, before "; try again in N seconds."


LIMITS = {
    "login_per_account": LimitSpec("10 per 15 minutes", "Too many failed sign-ins for this account"),
    "login_per_address": LimitSpec("30 per 15 minutes", "Too many failed sign-ins from this address"),
    "signup_per_address": LimitSpec("5 per hour", "Too many salons opened from this address"),
    "widget_bookings_per_company": LimitSpec(
        "120 per hour", "This salon is taking too many online bookings at the moment"
    ),
    "widget_bookings_per_address": LimitSpec("20 per hour", "Too many online bookings from this address"),
    "phone_codes_per_company": LimitSpec("60 per hour", "This salon has sent too many phone codes at the moment"),
    "phone_codes_per_address": LimitSpec("10 per hour", "Too many phone codes asked for from this address"),
}
DEFAULT_RATE_LIMITS = {name: spec.default for name, spec in LIMITS.items()}


def env_name(limit: str) -> str:
    return f"RATE_LIMIT_{limit.upper()}"


def rate_limits_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Every limit, from RATE_LIMIT_<NAME> or its default; a value flask-limiter cannot read refuses
    to start, naming the variable."""
    limits = {name: environ.get(env_name(name)) or default for name, default in DEFAULT_RATE_LIMITS.items()}
    check(limits)
    return limits


def check(limits: Mapping[str, str]) -> None:
    unknown = set(limits) - set(LIMITS)
    if unknown:
        raise RuntimeError(f"unknown rate limits: {', '.join(sorted(unknown))}")
    for name, value in limits.items():
        try:
            if not parse_many(value):
                raise ValueError(value)
        except ValueError:
            raise RuntimeError(
                f"{env_name(name)} must be a rate such as '10 per 15 minutes' or '5/hour', not {value!r}"
            ) from None


def client_address() -> str:
    """The client's address: the connection's, or, behind TRUSTED_PROXY_HOPS proxies, the one the
    outermost trusted proxy saw (ProxyFix)."""
    return request.remote_addr or "unknown"


def company() -> str:
    return str(request.view_args["company_id"])


def account() -> str:
    """The login name tried, as the account is found by it (case does not matter)."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return email.strip().lower() if isinstance(email, str) else ""


def _failed_sign_in(response) -> bool:
    return response.status_code == 401


limiter = Limiter(
    key_func=client_address,
    strategy="moving-window",
    headers_enabled=False,  # Retry-After is set on refusals by `refused` below
    in_memory_fallback_enabled=True,
    swallow_errors=True,
)


def limit(name: str, key: Callable[[], str], *, failures_only: bool = False):
    """Decorate a view: at most the named limit's rate per `key`; with `failures_only`, only failed
    sign-ins count. Views sharing a name share its counters (widget bookings and seats do)."""
    spec = LIMITS[name]
    return limiter.shared_limit(
        lambda: current_app.config["SALON_RATE_LIMITS"][name],
        scope=name,
        key_func=key,
        error_message=spec.refusal,
        deduct_when=_failed_sign_in if failures_only else None,
    )


def init_app(app: Flask, limits: Mapping[str, str], redis_url: str, redis_prefix: str) -> None:
    check(limits)
    app.config.update(
        SALON_RATE_LIMITS=dict(limits),
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_STORAGE_OPTIONS={
            "key_prefix": f"{redis_prefix}rate-limit",
            "socket_timeout": 1,
            "socket_connect_timeout": 1,
        },
    )
    limiter.init_app(app)
    # A new app starts on its own storage, not in the fallback an earlier one fell into (flask-limiter
    # keeps that flag on the limiter; tests make many apps in one process).
    limiter._storage_dead = False

    @app.errorhandler(RateLimitExceeded)
    def refused(error: RateLimitExceeded):
        return api_error_response(as_too_many_requests(error))


def as_too_many_requests(error: RateLimitExceeded) -> TooManyRequests:
    breached = limiter.current_limit
    retry_after = 60
    if breached is not None:
        try:
            retry_after = max(math.ceil(breached.window.reset_time - time.time()), 1)
        except Exception:  # the storage went away between the check and now: a minute is a fair guess
            log.warning("rate limit storage unreachable while reading a window", exc_info=True)
    name = error.limit.scope
    return TooManyRequests(
        f"{error.description}; try again in {retry_after} seconds.",
        retry_after,
        limit={"name": name, "rate": str(error.limit.limit)},
    )
