"""A nameko service for testing the gateway's RPC client on the real broker."""

import json

import eventlet
from nameko.rpc import rpc
from nameko.web.handlers import http

from salon_infra.errors import InvalidInput


class EchoService:
    name = "echo"

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
