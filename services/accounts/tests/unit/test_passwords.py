"""Hashing with OWASP's argon2id parameters, off the caller's thread, and never for a caller who gave up."""

import os
import threading
import time

import pytest
from argon2 import PasswordHasher

from accounts.passwords import MEMORY_KIB, PARALLELISM, TIME_COST, Passwords
from salon_infra.errors import ServiceUnavailable


def test_hashes_are_argon2id_with_owasps_parameters():
    assert (MEMORY_KIB, TIME_COST, PARALLELISM) == (19456, 2, 1)
    hashed = Passwords().hash("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_verify_and_rehash():
    passwords = Passwords()
    hashed = passwords.hash("correct horse")
    assert passwords.verify(hashed, "correct horse") and not passwords.verify(hashed, "wrong horse")
    assert not passwords.verify("not a hash", "correct horse")
    assert not passwords.needs_rehash(hashed)
    assert passwords.needs_rehash(PasswordHasher().hash("correct horse"))  # argon2-cffi's defaults: m=64 MiB, t=3
    assert passwords.needs_rehash("not a hash")


def test_the_work_runs_where_it_is_sent():
    ran_on = []

    def on_a_thread(function, *args):
        result = []
        worker = threading.Thread(target=lambda: (ran_on.append(threading.get_ident()), result.append(function(*args))))
        worker.start()
        worker.join()
        return result[0]

    passwords = Passwords(run=on_a_thread)
    assert passwords.verify(passwords.hash("correct horse"), "correct horse")
    assert len(ran_on) == 2 and threading.get_ident() not in ran_on


def test_a_caller_who_stopped_waiting_gets_no_hash():
    computed = []
    passwords = Passwords()
    passwords.hasher = _Counting(passwords.hasher, computed)
    with pytest.raises(ServiceUnavailable):
        passwords.verify(passwords._unknown_user_hash, "guess", deadline=time.time() - 1)
    with pytest.raises(ServiceUnavailable):
        passwords.hash("guess", deadline=time.time() - 1)
    assert computed == []
    passwords.hash("guess", deadline=time.time() + 60)
    assert computed == ["hash"]


class _Counting:
    def __init__(self, hasher, log):
        self._hasher, self._log = hasher, log

    def hash(self, password):
        self._log.append("hash")
        return self._hasher.hash(password)

    def verify(self, password_hash, password):
        self._log.append("verify")
        return self._hasher.verify(password_hash, password)


def test_hashing_threads_run_at_a_lower_priority_and_the_callers_stays():
    seen = {}

    def on_a_thread(function, *args):
        result = []

        def work():
            result.append(function(*args))
            seen["hashing"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        return result[0]

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    Passwords(run=on_a_thread, niceness=10).hash("correct horse")
    assert seen["hashing"] == max(before, 10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
