"""What happens to a message that did not go out: tried again later, a bounded number of times,
then kept as failed. And what a salon is shown about it: a plain reason, never the provider's text.

Every message is committed as pending before it is handed over, with a lease: the moment after
which a hand-over that was not recorded (the process died, or an error came between) counts as
interrupted. A pending message whose time has come is taken by exactly one worker (a guarded
update), which moves its time to the end of a new lease before handing it over; so two replicas
never hand over one message at once, and one that was interrupted is handed over again.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from notifications.domain.channels import FAILED, PENDING, SMS

LONGEST_WAIT = timedelta(hours=1)

# What the salon's staff read in the message log (the provider's own words go to the logs and
# the internal column provider_error only: they may name hosts, accounts or other clients).
RETRYING = "Not delivered yet; it will be tried again."
REFUSED = "The provider refused this message."
NOT_CONFIGURED = "Email is not set up for this platform."
GAVE_UP = "Not delivered after {attempts} attempts."
TOO_LATE = "Not delivered in time; it was not sent."
ONE_TIME = "Not delivered. It carried a one-time code, which is not kept, so it is not tried again."
LIMIT_REACHED = "Not sent: the salon's daily {channel} limit is reached."

_SECRET_LOOKING = re.compile(r"\d{4,}|[A-Za-z0-9_\-]{20,}")
MASK = "••••••"


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    first_wait: timedelta
    lease: timedelta
    give_up_after: timedelta

    def wait_after(self, attempts: int) -> timedelta:
        """The wait after the attempts made so far failed: first_wait, doubling, at most an hour."""
        return min(self.first_wait * 2 ** (attempts - 1), LONGEST_WAIT)


@dataclass(frozen=True)
class SendingRules:
    """How messages are tried again, and how many a company may send a day, by channel."""

    policy: RetryPolicy
    daily_caps: dict[str, int]


@dataclass(frozen=True)
class Outcome:
    """A failed hand-over's result: the message's new status, when it is due again, what staff read."""

    status: str
    next_attempt_at: datetime | None
    error: str


def after_failure(
    policy: RetryPolicy, attempts: int, created_at: datetime, now: datetime, *, permanent: bool, sensitive: bool,
    not_configured: bool = False,
) -> Outcome:  # fmt: skip
    """After the `attempts`-th hand-over of a message failed."""
    if not_configured:
        return Outcome(FAILED, None, NOT_CONFIGURED)
    if permanent:
        return Outcome(FAILED, None, REFUSED)
    if sensitive:  # its text was never stored, so there is nothing to send again
        return Outcome(FAILED, None, ONE_TIME)
    if attempts >= policy.max_attempts:
        return Outcome(FAILED, None, GAVE_UP.format(attempts=attempts))
    due = now + policy.wait_after(attempts)
    if due > created_at + policy.give_up_after:
        return Outcome(FAILED, None, TOO_LATE)
    return Outcome(PENDING, due, RETRYING)


def why_not_again(policy: RetryPolicy, attempts: int, created_at: datetime, now: datetime, sensitive: bool):
    """Why a due pending message (interrupted, or waiting to be tried again) is not handed over
    again, or None if it is."""
    if sensitive:
        return ONE_TIME
    if attempts >= policy.max_attempts:
        return GAVE_UP.format(attempts=attempts)
    if now > created_at + policy.give_up_after:
        return TOO_LATE
    return None


def limit_reached(channel: str) -> str:
    return LIMIT_REACHED.format(channel="SMS" if channel == SMS else "email")


def redacted(text: str) -> str:
    """The text as it may be stored: every run of 4 or more digits (a code) and every long
    token-like word (a secret link's part) masked."""
    return _SECRET_LOOKING.sub(MASK, text)
