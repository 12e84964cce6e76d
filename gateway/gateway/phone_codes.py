"""One-time codes that confirm a client's phone before a widget booking, kept in Redis so
every gateway replica sees the same codes and the same send limits.

A code has 6 digits, lives `code_ttl` seconds, works once and survives at most
`max_attempts` wrong guesses. Sending is limited per phone (one send per
`resend_interval`, `daily_per_phone` a day) and per client IP (`daily_per_ip` a day); a code
that could not be sent is withdrawn and counts against neither.
Only an HMAC of the code is stored. A confirmed phone gets a signed, short-lived token that
the booking request carries.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from salon_infra import phone_tokens

# Atomically: no code (or expired) -1; a right code is deleted and gives 1; a wrong one counts
# an attempt and gives 0, or deletes the code and gives -2 at the last allowed attempt.
_VERIFY = """
local digest = redis.call('HGET', KEYS[1], 'digest')
if not digest then return -1 end
if digest == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) return -2 end
return 0
"""

# Atomically: the code and its resend wait go; each day's count still there (the day may have turned)
# is taken down by one.
_WITHDRAW = """
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECR', KEYS[i]) end
end
return 1
"""


class Throttled(Exception):
    """Sent too often; `limit` names which limit: phone_code_resend, phone_code_daily_per_phone,
    phone_code_daily_per_address."""

    def __init__(self, message: str, retry_after: int, limit: str):
        super().__init__(message)
        self.retry_after, self.limit = retry_after, limit


class CodeRefused(Exception):
    """A wrong, used or expired code; the message says which, for the client."""


@dataclass(frozen=True)
class Limits:
    code_ttl: int = 600
    max_attempts: int = 5
    resend_interval: int = 60
    daily_per_phone: int = 10
    daily_per_ip: int = 50
    token_ttl: int = phone_tokens.LIFETIME_SECONDS


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_in: int
    resend_after: int


class PhoneCodes:
    def __init__(
        self, client: redis.Redis, secret: str, prefix: str = "salon:", limits: Limits = Limits(), token_secret=None
    ):
        """`secret` keys the stored code digests; `token_secret` (PHONE_TOKEN_SECRET, shared with the
        bookings service, which checks the tokens) signs the tokens."""
        self._redis, self._secret, self._prefix, self.limits = client, secret.encode(), prefix, limits
        self._verify = client.register_script(_VERIFY)
        self._withdraw = client.register_script(_WITHDRAW)
        self._token_secret = token_secret or secret

    def issue(self, company_id: int, phone: str, client_ip: str) -> IssuedCode:
        """A new code for the phone, replacing any earlier one; Throttled when sent too often."""
        limits, keys = self.limits, self._keys(company_id, phone, client_ip)
        if not self._redis.set(keys["sent"], 1, nx=True, ex=limits.resend_interval):
            wait = max(self._redis.ttl(keys["sent"]), 1)
            raise Throttled(f"A code was just sent; ask for another in {wait} seconds.", wait, "phone_code_resend")
        for key, cap, what, name in (
            (keys["phone_day"], limits.daily_per_phone, "to this phone", "phone_code_daily_per_phone"),
            (keys["ip_day"], limits.daily_per_ip, "from this address", "phone_code_daily_per_address"),
        ):
            sent_today = self._redis.incr(key)
            if sent_today == 1:
                self._redis.expire(key, 86400)
            if sent_today > cap:
                raise Throttled(f"Too many codes sent {what} today; try again tomorrow.", _seconds_to_midnight(), name)
        code = f"{secrets.randbelow(10**6):06d}"
        with self._redis.pipeline() as pipe:
            pipe.delete(keys["code"])
            pipe.hset(keys["code"], mapping={"digest": self._digest(company_id, phone, code), "attempts": 0})
            pipe.expire(keys["code"], limits.code_ttl)
            pipe.execute()
        return IssuedCode(code, limits.code_ttl, limits.resend_interval)

    def withdraw(self, company_id: int, phone: str, client_ip: str) -> None:
        """Undo `issue` for a code that could not be sent: no code, no wait before the next one, and
        nothing counted against the phone's or the address's day."""
        keys = self._keys(company_id, phone, client_ip)
        self._withdraw(keys=[keys["code"], keys["sent"], keys["phone_day"], keys["ip_day"]])

    def confirm(self, company_id: int, phone: str, code: str) -> str:
        """A token that proves the phone was confirmed; CodeRefused for a wrong, used or expired code."""
        outcome = self._verify(
            keys=[self._keys(company_id, phone, "")["code"]],
            args=[self._digest(company_id, phone, code), self.limits.max_attempts],
        )
        if outcome == -1:
            raise CodeRefused("This code has expired or was already used; ask for a new one.")
        if outcome == -2:
            raise CodeRefused("Too many wrong codes; ask for a new one.")
        if outcome == 0:
            raise CodeRefused("Wrong code.")
        return phone_tokens.issue(self._token_secret, company_id, phone)

    def confirmed_phone(self, company_id: int, token: str) -> str | None:
        """The phone a token confirms for this company, or None if it is forged, expired or another's."""
        return phone_tokens.confirmed_phone(self._token_secret, token, company_id, self.limits.token_ttl)

    def _digest(self, company_id: int, phone: str, code: str) -> str:
        return hmac.new(self._secret, f"{company_id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()

    def _keys(self, company_id: int, phone: str, client_ip: str) -> dict[str, str]:
        day = datetime.now(UTC).strftime("%Y%m%d")
        base = f"{self._prefix}phone-code:{company_id}:{phone}"
        return {
            "code": base,
            "sent": f"{base}:sent",
            "phone_day": f"{base}:day:{day}",
            "ip_day": f"{self._prefix}phone-code-ip:{client_ip}:{day}",
        }


def _seconds_to_midnight() -> int:
    now = time.time()
    return int(86400 - now % 86400) or 1
