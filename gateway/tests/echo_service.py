"""A nameko service for testing the gateway's RPC client on the real broker."""

import json

import eventlet
from nameko.contextdata import ContextDataProvider
from nameko.rpc import rpc
from nameko.web.handlers import http

from salon_infra.errors import InvalidInput


class RequestId(ContextDataProvider):
    context_key = "request_id"  # header nameko.request_id


class EchoService:
    name = "echo"
    request_id = RequestId()

    @rpc
    def my_request_id(self):
        return self.request_id

    @rpc
    def echo(self, value):
        return value

    @rpc
    def slow(self, seconds):
        eventlet.sleep(seconds)
        return "late"

    @rpc
    def refuse(self):
        raise InvalidInput("invalid phone", {"phone": ["is not a phone number"]})

    @rpc
    def crash(self):
        raise RuntimeError("bug")

    @http("GET", "/health/ready")
    def ready(self, request):
        return 200, json.dumps({"status": "ok"})
