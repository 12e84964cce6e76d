"""Password hashes: argon2id with OWASP's parameters, computed on a pool of OS threads.

A hash costs tens of milliseconds of CPU by design. On nameko's event loop nothing else in the
process would run meanwhile: when scheduling still hashed on its loop, a flood of failed logins
pushed its slot search from 75 ms to seconds (issue 11). Here each hash runs on eventlet's tpool
(real threads; argon2-cffi releases the GIL while it hashes), so the loop keeps answering RPCs,
events and probes, and the pool's size (PASSWORD_HASH_THREADS) caps how much CPU logins take.
The hashing threads run at a lower priority (PASSWORD_HASH_NICENESS, Linux's per-thread nice):
when the CPU is contended, the event loop (token checks, user changes) and whatever else runs on
the node go first, and logins take what is left.
A request whose caller has stopped waiting is dropped before its hash is computed, so a queue of
abandoned logins costs nothing.
"""

import logging
import os
import threading
import time
from collections.abc import Callable

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool
from nameko.extensions import DependencyProvider

from salon_infra.errors import ServiceUnavailable

# OWASP Password Storage Cheat Sheet: "Use Argon2id with a minimum configuration of 19 MiB of
# memory, an iteration count of 2, and 1 degree of parallelism." Parallelism 1 spends one thread
# per hash, so a pool of N threads runs N logins at once and at most N x 19 MiB.
MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
DEFAULT_THREADS = 2
DEFAULT_NICENESS = 10

log = logging.getLogger(__name__)


def owasp_hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, hash_len=32, salt_len=16, type=Type.ID
    )


def run_here(function: Callable, *args):
    return function(*args)


class Passwords:
    """Hash and verify; `run` is where the work happens (tpool.execute in the service, the caller's
    thread in tests that call handlers directly)."""

    def __init__(self, hasher: PasswordHasher | None = None, run: Callable = run_here, niceness: int = 0):
        self.hasher = hasher or owasp_hasher()
        self._run = run
        self._niceness = niceness
        self._threads = threading.local()
        # For a login to an unknown email: the same work as for a known one, so timing tells nothing.
        self._unknown_user_hash = self.hasher.hash("no user has this password")

    def hash(self, password: str, deadline: float | None = None) -> str:
        return self._off_loop(self.hasher.hash, deadline, password)

    def verify(self, password_hash: str, password: str, deadline: float | None = None) -> bool:
        return self._off_loop(self._matches, deadline, password_hash, password)

    def spend_a_verify(self, password: str, deadline: float | None = None) -> None:
        self.verify(self._unknown_user_hash, password, deadline)

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters (cheap: it reads the hash's header)."""
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _off_loop(self, work: Callable, deadline: float | None, *args):
        def unless_abandoned():
            if deadline is not None and time.time() > deadline:
                raise ServiceUnavailable("the caller stopped waiting; the password was not checked")
            self._lower_this_threads_priority()
            return work(*args)

        return self._run(unless_abandoned)

    def _lower_this_threads_priority(self) -> None:
        """Once per thread: on Linux, setpriority() of a thread id renices that thread alone."""
        if not self._niceness or getattr(self._threads, "reniced", False):
            return
        self._threads.reniced = True
        try:
            current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), max(current, self._niceness))
        except OSError as problem:  # not Linux, or not allowed: hashing still works, at normal priority
            log.warning("could not lower the priority of a hashing thread: %s", problem)


class PasswordHashing(DependencyProvider):
    """Passwords on eventlet's tpool of PASSWORD_HASH_THREADS OS threads (set before the pool starts),
    at nice PASSWORD_HASH_NICENESS."""

    def __init__(self):
        self.passwords: Passwords | None = None

    def setup(self):
        threads = int(self.container.config.get("PASSWORD_HASH_THREADS") or DEFAULT_THREADS)
        if threads < 1:
            raise RuntimeError("PASSWORD_HASH_THREADS must be at least 1")
        niceness = int(self.container.config.get("PASSWORD_HASH_NICENESS") or DEFAULT_NICENESS)
        tpool.set_num_threads(threads)
        self.passwords = Passwords(run=tpool.execute, niceness=niceness)

    def get_dependency(self, worker_ctx) -> Passwords:
        return self.passwords
