import os
from dataclasses import dataclass
from datetime import timedelta

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

    @classmethod
    def from_env(cls) -> "Settings":
        secret = os.environ.get("JWT_SECRET") or ""
        if len(secret) < MIN_SECRET_LENGTH:
            # Anyone knowing a default secret could sign a token for any salon: refuse to start.
            raise RuntimeError(f"JWT_SECRET must be set to a secret of at least {MIN_SECRET_LENGTH} characters")
        return cls(
            amqp_uri=os.environ.get("AMQP_URI") or "amqp://guest:guest@localhost:5672/",
            jwt_secret=secret,
            rpc_timeout=float(os.environ.get("RPC_TIMEOUT_SECONDS") or 5.0),
            redis_url=os.environ.get("REDIS_URL") or cls.redis_url,
            redis_prefix=os.environ.get("REDIS_PREFIX") or cls.redis_prefix,
        )
