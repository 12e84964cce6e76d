"""`make run`: the whole system on this machine, with a demo salon. Ctrl-C stops it.

Databases are SQLite files under var/ unless <SERVICE>_DATABASE_URL names another
(e.g. BOOKINGS_DATABASE_URL=postgresql://postgres@127.0.0.1/bookings). The broker is
AMQP_URI, by default amqp://guest:guest@localhost:5672/.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pika
import pika.exceptions
import redis

sys.path.insert(0, str(Path(__file__).parent))

from cluster import ROOT, SERVICES, LocalCluster
from demo import load_demo

from gateway.rate_limits import env_name, rate_limits_from_env
from salon_infra import config
from salon_infra.processes import start_process, stop_process
from salon_infra.testing import free_port

VAR = ROOT / "var"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("GATEWAY_PORT", "8080")))
    parser.add_argument("--fresh", action="store_true", help="delete var/ first: new databases, new demo salon")
    args = parser.parse_args()
    if args.fresh:
        shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(exist_ok=True)

    amqp_uri = config.amqp_uri()
    _require_broker(amqp_uri)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    _require_redis(redis_url)
    _require_free_port(args.port)
    mail = MailCatcher(VAR / "mail")
    cluster = LocalCluster(
        amqp_uri=amqp_uri,
        database_urls={spec.name: _database_url(spec.name) for spec in SERVICES},
        log_dir=VAR / "logs",
        jwt_secret=_kept_secret("jwt-secret"),
        gateway_port=args.port,
        link_secret=_kept_secret("booking-link-secret"),
        phone_token_secret=_kept_secret("phone-token-secret"),
        redis_url=redis_url,
        redis_prefix="salon:",
        rate_limits=_rate_limits(),
        extra_env={"SALON_VAR_DIR": str(VAR), "SMS_PROVIDER": "development", **mail.smtp_env},
    )
    print("Migrating the databases ...", flush=True)
    cluster.migrate()
    print("Starting the services, the outbox relay and the gateway ...", flush=True)
    mail.start()
    cluster.start()
    # As Kubernetes would: a process that exits is started again, with backoff, and we say so.
    cluster.supervise(say=lambda line: print(f"{time.strftime('%H:%M:%S')} {line}", flush=True))
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        demo = load_demo(cluster.gateway_url, VAR / "demo.json")
        _print_banner(cluster, demo)
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping ...", flush=True)
        cluster.stop()
        mail.stop()


def _rate_limits() -> dict[str, str]:
    """The gateway's own defaults, as in production, or RATE_LIMIT_<NAME> from the environment; but
    signup is not limited to 5 an hour unless asked, so `--fresh` can open the demo salon again and again."""
    limits = rate_limits_from_env(os.environ)
    if not os.environ.get(env_name("signup_per_address")):
        limits["signup_per_address"] = "100 per hour"
    return limits


def _database_url(service: str) -> str:
    return os.environ.get(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{VAR / service}.sqlite3"


def _kept_secret(name: str) -> str:
    """A secret made once for this machine and kept in var/, so tokens and links survive restarts."""
    path = VAR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text()


def _require_broker(amqp_uri: str) -> None:
    parameters = pika.URLParameters(amqp_uri)
    parameters.connection_attempts, parameters.socket_timeout = 1, 3
    try:
        pika.BlockingConnection(parameters).close()
    except (pika.exceptions.AMQPError, OSError):
        sys.exit(
            f"RabbitMQ is not reachable at {amqp_uri}.\n"
            "Start one, then run `make run` again:\n"
            "  - on this machine (Debian):  rabbitmq-server -detached\n"
            "  - with Docker:               docker run -d -p 5672:5672 rabbitmq:3\n"
            "or point AMQP_URI at a running broker, e.g. AMQP_URI=amqp://user:pass@host:5672/"
        )


def _require_redis(redis_url: str) -> None:
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        sys.exit(
            f"Redis is not reachable at {redis_url} (phone confirmation codes and signed-out tokens live there).\n"
            "Start one, then run `make run` again:\n"
            "  - on this machine (Debian):  redis-server --daemonize yes --port 6379\n"
            "or point REDIS_URL at a running server, e.g. REDIS_URL=redis://host:6379/0"
        )


class MailCatcher:
    """A local SMTP server that keeps every email the salon sends as a file in var/mail/ (Maildir)."""

    def __init__(self, directory: Path):
        self.directory, self.port, self.process = directory, free_port(), None
        self.smtp_env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port), "SMTP_FROM": "demo-salon@localhost"}

    def start(self) -> None:
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}"]
        command += ["-c", "aiosmtpd.handlers.Mailbox", str(self.directory)]
        self.process = start_process(command, {"PYTHONWARNINGS": "ignore"}, VAR / "logs" / "mail.log")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


def _require_free_port(port: int) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"Port {port} is in use. Stop what uses it, or run: GATEWAY_PORT=8081 make run")


def _print_banner(cluster: LocalCluster, demo: dict) -> None:
    url, company_id = cluster.gateway_url, demo["company_id"]
    metrics = {name: process.metrics_url for name, process in cluster.processes.items()}
    specialist = f"{demo.get('specialist_email', '')} / {demo['owner_password']}"
    credentials = json.dumps(
        {"company_id": company_id, "email": demo["owner_email"], "password": demo["owner_password"]}
    )
    print(
        f"""
Salon platform is running. Ctrl-C stops it.

  Gateway (API)    {url}/api/v1
  OpenAPI          {url}/api/v1/openapi.json
  Health           {url}/healthz   {url}/readyz

  Demo salon       company {company_id}, "Demo Salon", Europe/Berlin
  Booking widget   {url}/widget/{company_id}      (open it on a phone, or a narrow window)
  Calendar page    {url}/calendar/{company_id}    (the staff calendar; sign in as the owner, or as
                   {specialist}, a specialist who sees only Anna's column)
  Admin            {url}/admin/{company_id}       (Overview > Bookings: filters, delete, Excel export/import)
  Products, stock  {url}/admin/{company_id}/products   (products, storages, stock, the till's cash desks, cards)
  Widget API       {url}/api/v1/companies/{company_id}/services
                   {url}/api/v1/companies/{company_id}/staff
                   {url}/api/v1/companies/{company_id}/slots?service_id=1
  Staff sign-in    curl -X POST {url}/api/v1/auth/login -H 'Content-Type: application/json' \\
                     -d '{credentials}'
  Sign out         POST {url}/api/v1/auth/logout  (Authorization: Bearer <token>): that token ends at once
  Calendar API     GET {url}/api/v1/calendar?date=YYYY-MM-DD  (Authorization: Bearer <token>)
  Online booking   GET/PUT {url}/api/v1/online-booking-settings  (e.g. {{"sms_confirmation": true}})
  Sent SMS         GET {url}/api/v1/notifications/messages?channel=sms  (development SMS provider)
  Sent email       {VAR / "mail"}/new/   (a local SMTP server keeps every message)

  Databases        {VAR}/*.sqlite3   (make run ARGS=--fresh starts over)
  Logs             {VAR / "logs"}/   (JSON lines; follow a request by its X-Request-Id: grep -r <id> there)
  Metrics          {metrics["gateway"]}   (Prometheus; every process has its own:
                   bookings {metrics["bookings"]}, its relay {metrics["bookings-relay"]})
  Restarts         a process that exits is restarted (1 s, then 2, 4 ... 30 s while it keeps failing);
                   each restart is printed here
""",
        flush=True,
    )


if __name__ == "__main__":
    main()
