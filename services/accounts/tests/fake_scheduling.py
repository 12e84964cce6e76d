"""A stand-in for scheduling, run with `nameko run` on the test's vhost: accounts calls it over the
real broker as it calls the real one."""

import itertools

from nameko.rpc import rpc
from nameko.web.handlers import http

_company_ids = itertools.count(9000)
companies: dict[str, dict] = {}


class FakeScheduling:
    name = "scheduling"

    @rpc
    def create_company(self, company, signup_key):
        if signup_key not in companies:
            companies[signup_key] = {"id": next(_company_ids), "slot_step_minutes": 15, **company}
        return companies[signup_key]

    @rpc
    def discard_company(self, signup_key):
        return {"discarded": companies.pop(signup_key, None) is not None}

    @rpc
    def identity_high_water(self):
        return {"roles": 0, "users": 0}

    @http("GET", "/health/ready")
    def health_ready(self, request):
        return 200, "ok"
