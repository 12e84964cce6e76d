"""Tokens that stop working before they expire.

- **Changes in accounts.** Every token carries the user's `token_version` (claim `ver`). accounts
  bumps it when the user is switched off, gets another role or password or staff member, or their
  role's rights or name change (accounts' domain/tokens.py). Each request's token is checked
  against the current version, which is kept in Redis (shared by every gateway process) for at most
  `check_seconds` (TOKEN_CHECK_SECONDS, 30 by default, never above MAX_CHECK_SECONDS): a revoked
  token fails within that time, and one RPC per user per period is all the checking costs. A change
  made through this gateway to a user forgets that user's cached version at once.
- **Signing out** ends one token at once: its id (claim `jti`) is denied in Redis until the token
  would have expired anyway.

Both are read in one round trip to Redis. With Redis or accounts unreachable a token cannot be
checked, and the request gets a quick 503 rather than the benefit of the doubt.
"""

import contextlib
import time
from collections.abc import Callable

import redis

from gateway.errors import ServiceUnavailable, Unauthorized

MAX_CHECK_SECONDS = 60
"""The issue's bound: a revoked token fails within a minute."""

_REVOKED = "this sign-in has ended (signed out, or the account changed); sign in again"


class Revocations:
    def __init__(
        self,
        client: redis.Redis,
        current_version: Callable[[int, int], int | None],
        prefix: str = "salon:",
        check_seconds: float = 30.0,
    ):
        """`current_version(company_id, user_id)` asks accounts: the version tokens must carry, or
        None when none may work (the user is switched off or gone)."""
        if not 0 < check_seconds <= MAX_CHECK_SECONDS:
            raise ValueError(f"check_seconds must be within (0, {MAX_CHECK_SECONDS}]")
        self._redis, self._current_version, self._prefix = client, current_version, prefix
        self.check_seconds = check_seconds

    def check(self, company_id: int, user_id: int, version, token_id) -> None:
        """Unauthorized unless the token is of the user's current version and not signed out."""
        if type(version) is not int or not isinstance(token_id, str) or not token_id:
            raise Unauthorized(_REVOKED)  # issued before tokens carried these: sign in again
        version_key = self._version_key(company_id, user_id)
        try:
            signed_out, cached = self._redis.mget(self._denied_key(token_id), version_key)
        except redis.RedisError:
            raise ServiceUnavailable("sign-ins cannot be checked right now; try again shortly") from None
        if signed_out is not None:
            raise Unauthorized(_REVOKED)
        current = int(cached) if cached is not None else None
        if current is None or current < version:
            # Versions only grow: a token newer than what was cached was issued after a change.
            current = self._refresh(company_id, user_id, version_key)
        if current != version:
            raise Unauthorized(_REVOKED)

    def sign_out(self, token_id, expires_at: float) -> None:
        """Deny this token until it expires."""
        seconds = int(expires_at - time.time()) + 1
        if seconds <= 0 or not isinstance(token_id, str) or not token_id:
            return
        try:
            self._redis.set(self._denied_key(token_id), 1, ex=seconds)
        except redis.RedisError:
            raise ServiceUnavailable("signing out is not possible right now; try again shortly") from None

    def remember(self, company_id: int, user_id: int, version: int) -> None:
        """A sign-in just read the user's current version: no need to ask for it again this period."""
        with contextlib.suppress(redis.RedisError):
            self._redis.set(self._version_key(company_id, user_id), version, px=self._period_ms)

    def forget(self, company_id: int, user_id: int) -> None:
        """The user changed: their next request asks accounts again."""
        with contextlib.suppress(redis.RedisError):  # else the cached version expires within check_seconds
            self._redis.delete(self._version_key(company_id, user_id))

    def _refresh(self, company_id: int, user_id: int, key: str) -> int:
        version = self._current_version(company_id, user_id) or 0  # 0: no token has it
        try:
            self._redis.set(key, version, px=self._period_ms)
        except redis.RedisError:
            raise ServiceUnavailable("sign-ins cannot be checked right now; try again shortly") from None
        return version

    @property
    def _period_ms(self) -> int:
        return max(1, int(self.check_seconds * 1000))

    def _version_key(self, company_id: int, user_id: int) -> str:
        return f"{self._prefix}token-version:{company_id}:{user_id}"

    def _denied_key(self, token_id: str) -> str:
        return f"{self._prefix}signed-out:{token_id}"
