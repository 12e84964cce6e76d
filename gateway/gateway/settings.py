import logging
import os
from dataclasses import dataclass
from datetime import timedelta

log = logging.getLogger(__name__)

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me"


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    jwt_secret: str
    rpc_timeout: float = 5.0
    token_ttl: timedelta = timedelta(hours=12)
    company_cache_seconds: float = 30.0

    @classmethod
    def from_env(cls) -> "Settings":
        secret = os.environ.get("JWT_SECRET")
        if not secret:
            log.warning("JWT_SECRET is not set: using the development secret; never do this in production")
            secret = DEV_JWT_SECRET
        return cls(
            amqp_uri=os.environ.get("AMQP_URI") or "amqp://guest:guest@localhost:5672/",
            jwt_secret=secret,
            rpc_timeout=float(os.environ.get("RPC_TIMEOUT_SECONDS") or 5.0),
        )
