"""Stand-ins for the clients and scheduling services, run with `nameko run` on the test's vhost:
the notifications service calls them over the real broker, as it calls the real ones."""

from nameko.rpc import rpc
from nameko.web.handlers import http

from salon_infra.errors import NotFound

CLIENTS = {
    3: {"id": 3, "name": "Anna Schmidt", "phone": "+4915111111111", "email": "anna@example.com"},
    4: {"id": 4, "name": "Ben", "phone": "+4915122222222", "email": None},
}


class FakeClients:
    name = "clients"

    @rpc
    def get_client(self, company_id, client_id):
        if client_id not in CLIENTS:
            raise NotFound(f"client {client_id} not found")
        return {**CLIENTS[client_id], "company_id": company_id}


class FakeScheduling:
    name = "scheduling"

    @rpc
    def get_company(self, company_id):
        return {
            "id": company_id,
            "name": "Studio Lumière",
            "timezone": "Europe/Berlin",
            "currency": "EUR",
            "country": "DE",
            "slot_step_minutes": 15,
        }

    @http("GET", "/health/ready")
    def health_ready(self, request):
        return 200, "ok"
