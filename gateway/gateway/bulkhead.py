"""A cap on how many requests of one kind a gateway process serves at once.

A sign-in waits for its password hash in accounts (tens of milliseconds of CPU, more while others
queue), in one of gunicorn's request threads; a flood of sign-ins could take every thread of the
process, so that a slot search or a booking waits behind them though nothing it needs is busy.
Sign-ins and signups therefore hold one of a few slots (LOGIN_CONCURRENCY, a quarter of the
threads); one that finds none free within `wait_seconds` is answered 503 with Retry-After: 1. The
short wait keeps a refused client from coming back at once, and so from spending the gateway's CPU
instead of its threads. Per-account and per-address limits (429) are another matter; this one only
keeps the threads free.
"""

import contextlib
import threading

from gateway.errors import Busy


class Bulkhead:
    def __init__(self, limit: int, what: str, wait_seconds: float = 0.1):
        if limit < 1:
            raise ValueError("a bulkhead needs at least one slot")
        self._slots, self._what, self._wait = threading.BoundedSemaphore(limit), what, wait_seconds
        self.limit = limit

    @contextlib.contextmanager
    def slot(self):
        if not self._slots.acquire(timeout=self._wait):
            raise Busy(f"Too many {self._what} at once; try again in a moment.", retry_after=1)
        try:
            yield
        finally:
            self._slots.release()
