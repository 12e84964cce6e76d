"""Real servers on 127.0.0.1 for the tests: an SMTP server (aiosmtpd) and an SMS provider's
HTTP endpoint (http.server), each in a thread of the test process."""

import itertools
import json
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from salon_infra.testing import free_port


@dataclass
class ReceivedEmail:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage


class SmtpInbox:
    """Every email the server accepted, parsed. With credentials, it takes mail only after AUTH."""

    def __init__(self, credentials: tuple[str, str] | None = None):
        self.received: list[ReceivedEmail] = []
        self.credentials = credentials
        self.port = free_port()
        options = {"auth_require_tls": False}
        if credentials:
            options.update(authenticator=self._authenticate, auth_required=True)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> "SmtpInbox":
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(ReceivedEmail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        given = (auth_data.login.decode(), auth_data.password.decode())
        return AuthResult(success=given == self.credentials, handled=False)

    def to(self, address: str) -> list[EmailMessage]:
        return [email.message for email in self.received if address in email.envelope_to]


@dataclass
class SmsRequest:
    path: str
    headers: dict
    body: dict


class SmsGateway:
    """An SMS provider's endpoint: records each POST, answers `status` with {"id": "msg-N"}."""

    def __init__(self):
        self.requests: list[SmsRequest] = []
        self.status = 200
        self.delay_seconds = 0.0
        self._ids = itertools.count(1)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append(SmsRequest(self.path, dict(self.headers), json.loads(body)))
                time.sleep(gateway.delay_seconds)
                answer = json.dumps({"id": f"msg-{next(gateway._ids)}"}).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms"

    def __enter__(self) -> "SmsGateway":
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.05)
    return result
