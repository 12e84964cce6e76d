"""The other services a job calls, as one value: nameko proxies in the service, stand-ins in tests."""

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

SLOW_SECONDS = 1.0  # calls (and parsing) taking longer are logged: where an import's time goes


def run_here(function: Callable, *args):
    return function(*args)


def run_now(function: Callable, *args) -> Callable[[], Any]:
    result = function(*args)
    return lambda: result


@dataclass(frozen=True)
class Neighbours:
    scheduling: Any
    accounts: Any
    clients: Any
    bookings: Any
    notifications: Any
    # Runs CPU-heavy parsing (openpyxl) where it does not stall the service: a real thread under eventlet.
    off_loop: Callable = run_here
    # Starts a call and returns a function that waits for its answer: the next page is asked for while
    # this one is written.
    in_background: Callable[..., Callable[[], Any]] = run_now

    def timed(self) -> "Neighbours":
        """The same, logging each slow call with its time."""
        return dataclasses.replace(
            self,
            scheduling=_Timed(self.scheduling, "scheduling"),
            accounts=_Timed(self.accounts, "accounts"),
            clients=_Timed(self.clients, "clients"),
            bookings=_Timed(self.bookings, "bookings"),
            notifications=_Timed(self.notifications, "notifications"),
            off_loop=lambda function, *args: _timed(f"reading ({function.__name__})", self.off_loop, function, *args),
        )


class _Timed:
    def __init__(self, proxy, service_name: str):
        self._proxy, self._service_name = proxy, service_name

    def __getattr__(self, method_name: str):
        method = getattr(self._proxy, method_name)
        return lambda *args, **kwargs: _timed(f"{self._service_name}.{method_name}", method, *args, **kwargs)


def _timed(what: str, function: Callable, *args, **kwargs):
    started = time.perf_counter()
    try:
        return function(*args, **kwargs)
    finally:
        if (seconds := time.perf_counter() - started) >= SLOW_SECONDS:
            log.info("%s took %.1f s", what, seconds)
