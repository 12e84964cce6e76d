import os
from dataclasses import dataclass, field
from datetime import timedelta

from gateway.rate_limits import DEFAULT_RATE_LIMITS, rate_limits_from_env

MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    jwt_secret: str
    rpc_timeout: float = 5.0
    token_ttl: timedelta = timedelta(hours=12)
    company_cache_seconds: float = 30.0
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_prefix: str = "salon:"
    phone_token_secret: str | None = None  # PHONE_TOKEN_SECRET, shared with bookings (tests: JWT_SECRET)
    # How long a user's token version is trusted before accounts is asked again: a token revoked in
    # accounts fails within this (gateway.revocation; at most 60 s).
    token_check_seconds: float = 30.0
    # Sign-ins and signups one gateway process serves at once (gateway.bulkhead): the rest of its
    # threads (GATEWAY_THREADS, 16) stay free for other requests during a flood of logins.
    login_concurrency: int = 4
    # How many proxies in front of the gateway add an X-Forwarded-For entry (TRUSTED_PROXY_HOPS): 1 behind
    # the ingress. 0 (local) takes the client address from the connection and ignores the header.
    trusted_proxy_hops: int = 0
    # Each rate limit by name, in flask-limiter's notation ("10 per 15 minutes"), from RATE_LIMIT_<NAME>.
    rate_limits: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))

    @classmethod
    def from_env(cls) -> "Settings":
        secret = _secret("JWT_SECRET")
        return cls(
            amqp_uri=os.environ.get("AMQP_URI") or "amqp://guest:guest@localhost:5672/",
            jwt_secret=secret,
            rpc_timeout=float(os.environ.get("RPC_TIMEOUT_SECONDS") or 5.0),
            redis_url=os.environ.get("REDIS_URL") or cls.redis_url,
            redis_prefix=os.environ.get("REDIS_PREFIX") or cls.redis_prefix,
            phone_token_secret=_secret("PHONE_TOKEN_SECRET"),
            token_check_seconds=float(os.environ.get("TOKEN_CHECK_SECONDS") or cls.token_check_seconds),
            login_concurrency=int(os.environ.get("LOGIN_CONCURRENCY") or cls.login_concurrency),
            trusted_proxy_hops=_proxy_hops(os.environ.get("TRUSTED_PROXY_HOPS") or "0"),
            rate_limits=rate_limits_from_env(os.environ),
        )


MAX_PROXY_HOPS = 5


def _proxy_hops(value: str) -> int:
    """A whole number of proxies, 0 to 5; anything else refuses to start, naming the variable."""
    if not value.strip().isdigit() or int(value) > MAX_PROXY_HOPS:
        raise RuntimeError(f"TRUSTED_PROXY_HOPS must be a whole number from 0 to {MAX_PROXY_HOPS}, not {value!r}")
    return int(value)


def _secret(name: str, required: bool = True) -> str | None:
    """A secret from the environment; anyone knowing a default could sign for any salon, so a short
    one (or a missing required one) refuses to start."""
    value = os.environ.get(name) or ""
    if not value and not required:
        return None
    if len(value) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"{name} must be set to a secret of at least {MIN_SECRET_LENGTH} characters")
    return value
