"""The secret link a client gets to view, reschedule or cancel a booking.

The token names the booking and carries an HMAC of it, so nothing is stored and a
replayed create can hand back the same link.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta


class InvalidLink(ValueError):
    pass


def sign_link(secret: str, company_id: int, appointment_id: int) -> str:
    return f"{company_id}-{appointment_id}-{_signature(secret, company_id, appointment_id)}"


def read_link(secret: str, token: str) -> tuple[int, int]:
    """The (company_id, appointment_id) a token names; InvalidLink if it was not signed by us."""
    try:
        company_part, appointment_part, signature = token.split("-", 2)
        company_id, appointment_id = int(company_part), int(appointment_part)
    except ValueError:
        raise InvalidLink("malformed booking link") from None
    if not hmac.compare_digest(signature.encode(), _signature(secret, company_id, appointment_id).encode()):
        raise InvalidLink("unknown booking link")
    return company_id, appointment_id


def has_expired(ends_at: datetime, now: datetime, lives_after_visit: timedelta) -> bool:
    """A link lives until `lives_after_visit` after its visit ends: enough to see what was booked,
    not forever (the link shows the client's name and lets anyone holding it act)."""
    return now > ends_at + lives_after_visit


def _signature(secret: str, company_id: int, appointment_id: int) -> str:
    digest = hmac.new(secret.encode(), f"{company_id}:{appointment_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()
