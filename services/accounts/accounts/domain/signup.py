"""Signing up a salon across two services, all or nothing.

The company (its profile, time zone, slot step) belongs to scheduling; its owner and roles to
accounts. A signup is remembered here first (`pending`, with a key of its own), then scheduling
creates the company under that key (a repeat of the key gives the same company), then one
transaction here writes the built-in roles and the owner and marks the signup `done`. When that
last step fails, or the process dies before it, the company is discarded in scheduling by its
key: at once if possible, else by the periodic sweep, which takes any signup still pending after
ABANDONED_AFTER (its caller gave up long before: a unit of work commits nothing after its
deadline, so it can no longer finish). Nobody can have used such a company: without an owner
nobody can sign in to it.
"""

from datetime import datetime, timedelta

PENDING = "pending"
DONE = "done"
DISCARDING = "discarding"  # taken by a sweep (or the failed signup itself); its company goes next
DISCARDED = "discarded"
STATES = (PENDING, DONE, DISCARDING, DISCARDED)

ABANDONED_AFTER = timedelta(minutes=10)


def is_abandoned(state: str, created_at: datetime, now: datetime) -> bool:
    """A signup whose company must go: one being discarded, or one pending far past any deadline."""
    return state == DISCARDING or (state == PENDING and now - created_at >= ABANDONED_AFTER)
