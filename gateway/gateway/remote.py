"""The services as the gateway's views see them: `remote().bookings.get_appointment(...)`."""

import threading
import time
from functools import partial

from flask import current_app

from gateway.rpc import RpcClient


class RemoteService:
    def __init__(self, rpc: RpcClient, name: str):
        self._rpc, self._name = rpc, name

    def __getattr__(self, method: str):
        return partial(self._rpc.call, self._name, method)


class CompanyProfiles:
    """Company profiles (time zone, country) kept for a short while: the widget reads them on every request."""

    def __init__(self, scheduling: RemoteService, ttl: float):
        self._scheduling, self._ttl = scheduling, ttl
        self._cache: dict[int, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def get(self, company_id: int) -> dict:
        with self._lock:
            cached = self._cache.get(company_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        company = self._scheduling.get_company(company_id)
        with self._lock:
            self._cache[company_id] = (time.monotonic() + self._ttl, company)
        return company

    def forget(self, company_id: int) -> None:
        with self._lock:
            self._cache.pop(company_id, None)


class Remote:
    def __init__(self, rpc: RpcClient, company_cache_seconds: float):
        self.rpc = rpc
        self.scheduling = RemoteService(rpc, "scheduling")
        self.bookings = RemoteService(rpc, "bookings")
        self.clients = RemoteService(rpc, "clients")
        self.companies = CompanyProfiles(self.scheduling, company_cache_seconds)


def remote() -> Remote:
    return current_app.extensions["salon.remote"]
