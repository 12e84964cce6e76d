"""The services as the gateway's views see them: `remote().bookings.get_appointment(...)`."""

import threading
import time
from collections.abc import Callable
from functools import partial

from flask import current_app

from gateway.rpc import RpcClient


class RemoteService:
    def __init__(self, rpc: RpcClient, name: str):
        self._rpc, self._name = rpc, name

    def __getattr__(self, method: str):
        return partial(self._rpc.call, self._name, method)


class TtlCache:
    """Per-company reads the widget makes on every request (profile, staff names), kept a short while."""

    def __init__(self, load: Callable[[int], object], ttl: float):
        self._load, self._ttl = load, ttl
        self._entries: dict[int, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, company_id: int):
        with self._lock:
            cached = self._entries.get(company_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        value = self._load(company_id)
        with self._lock:
            self._entries[company_id] = (time.monotonic() + self._ttl, value)
        return value

    def forget(self, company_id: int) -> None:
        with self._lock:
            self._entries.pop(company_id, None)


class Remote:
    def __init__(self, rpc: RpcClient, company_cache_seconds: float):
        self.rpc = rpc
        self.accounts = RemoteService(rpc, "accounts")
        self.scheduling = RemoteService(rpc, "scheduling")
        self.bookings = RemoteService(rpc, "bookings")
        self.clients = RemoteService(rpc, "clients")
        self.notifications = RemoteService(rpc, "notifications")
        self.imports = RemoteService(rpc, "imports")
        self.companies = TtlCache(self.scheduling.get_company, company_cache_seconds)
        self.staff_names = TtlCache(self._staff_names, company_cache_seconds)

    def staff_member(self, company_id: int, staff_member_id: int) -> dict:
        """A staff member's public card; a member newer than the cache refreshes it."""
        card = self.staff_names.get(company_id).get(staff_member_id)
        if card is None:
            self.staff_names.forget(company_id)
            card = self.staff_names.get(company_id).get(staff_member_id)
        return card or {"id": staff_member_id, "name": "", "position": ""}

    def _staff_names(self, company_id: int) -> dict[int, dict]:
        staff = self.scheduling.list_staff(company_id, include_inactive=True)
        return {member["id"]: {key: member[key] for key in ("id", "name", "position")} for member in staff}


def remote() -> Remote:
    return current_app.extensions["salon.remote"]
