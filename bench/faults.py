"""Fault benchmark: clients book through the widget while the broker and processes fail under them.

    .venv/bin/python bench/faults.py [--clients 8] [--cut-seconds 10] [--no-docs]

Starts the whole system, supervised as `make run` is (a process that exits is started again,
with backoff), on throwaway PostgreSQL databases and a throwaway RabbitMQ vhost. Every process
(each service, the outbox relay, the gateway) reaches the broker through a TCP proxy of its own.
Clients book distinct slots through the widget API, each booking with an Idempotency-Key and
retried with the same key after a 503 or no answer. Meanwhile, one after another, with steady
booking between them (at least a minute of load in all):

  1. every process's broker connection is cut for 10 s (dropped, new ones refused), then restored;
  2. the broker closes every connection, as a RabbitMQ restart does (rabbitmqctl
     close_all_connections on this vhost only: the broker is shared);
  3. bookings is killed with SIGKILL; the supervisor starts it again;
  4. the outbox relay is killed with SIGKILL; likewise.

Then it reckons (tests/support/faults.py): every 201 is an appointment and every appointment was
answered 201 to its client; each booked client got exactly one confirmation SMS; no 5xx but 503,
and no 503 slower than the RPC timeout; the seconds from each fault's end to the next booking
answered 201 (and to the next event the relay published). It prints a Markdown section, writes
bench/results/faults-<time>.json, and puts the section in docs/benchmarks.md.
"""

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(ROOT / "tests")]

from cluster import SERVICES, LocalCluster  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from support.api import Api  # noqa: E402
from support.broker import BrokerProxies  # noqa: E402
from support.faults import BookingLoad, reckon  # noqa: E402
from support.salon import FULL_WEEK, open_salon  # noqa: E402

from salon_infra.database import with_driver  # noqa: E402
from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402

STAFF = 10
RECOVERY_TARGET = 30.0  # seconds from a fault's end to the next booking answered 201
MIN_LOAD_SECONDS = 60.0
DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench/faults.py: begin -->", "<!-- bench/faults.py: end -->"


@dataclass
class Fault:
    name: str
    began: float  # time.time()
    ended: float
    next_booked_s: float | None = None
    next_event_s: float | None = None
    restart: dict = field(default_factory=dict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--cut-seconds", type=float, default=10.0)
    parser.add_argument("--steady-seconds", type=float, default=12.0, help="booking between faults")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {spec.name: stack.enter_context(temporary_database(f"faults_{spec.name}")) for spec in SERVICES}
        proxies = BrokerProxies(amqp_uri).start()
        stack.callback(proxies.cut)
        log_dir = ROOT / "bench" / "results" / "logs-faults"
        shutil.rmtree(log_dir, ignore_errors=True)
        cluster = LocalCluster(
            amqp_uri=amqp_uri,
            database_urls=urls,
            log_dir=log_dir,
            jwt_secret="bench-jwt-secret-of-at-least-thirty-two-bytes",
            amqp_uris=proxies.uris(),
            extra_env={"SMS_PROVIDER": "development", "SMS_DAILY_CAP": "1000000"},  # every booking confirmed
        )
        cluster.migrate()
        cluster.start()
        stack.callback(cluster.stop)
        cluster.supervise(say=lambda line: print(f"  [supervisor] {line}", flush=True))
        results = run(cluster, proxies, urls, amqp_uri, args)
    report(results, args)


def run(cluster: LocalCluster, proxies: BrokerProxies, urls: dict, amqp_uri: str, args) -> dict:
    salon = open_salon(Api(cluster.gateway_url), name="Fault Salon")
    staff = [salon.add_staff(f"Stylist {n:02d}", weekly=FULL_WEEK) for n in range(STAFF)]
    trim = salon.add_service("Trim", 30, list(salon.staff))
    load = BookingLoad(
        cluster.gateway_url, salon.company_id, trim, staff, salon.timezone,
        clients=args.clients, first_day=date.today() + timedelta(days=2),
    )  # fmt: skip
    started = time.time()
    load.start()
    print(f"{args.clients} clients booking ...", flush=True)
    time.sleep(args.steady_seconds)
    faults = []

    began = time.time()
    print(f"fault 1: every process's broker connection cut for {args.cut_seconds:g} s", flush=True)
    proxies.cut()
    time.sleep(args.cut_seconds)
    proxies.restore()
    faults.append(Fault(f"every process's broker connection cut for {args.cut_seconds:g} s", began, time.time()))
    _recover(load, faults[-1], args.steady_seconds)

    print("fault 2: the broker closes every connection, as a restart does", flush=True)
    began = time.time()
    vhost = unquote(urlparse(amqp_uri).path.lstrip("/"))
    subprocess.run(
        ["rabbitmqctl", "-q", "close_all_connections", "-p", vhost, "fault benchmark: a broker restart"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    faults.append(Fault("the broker closes every connection (as a RabbitMQ restart does)", began, time.time()))
    _recover(load, faults[-1], args.steady_seconds)

    for name in ("bookings", "bookings-relay"):
        print(f"fault: {name} killed with SIGKILL", flush=True)
        restarts_before = len(cluster.supervisor.restarts)
        began = time.time()
        cluster.processes[name].kill()
        faults.append(Fault(f"{name} killed with SIGKILL", began, began))
        _recover(load, faults[-1], args.steady_seconds)
        for restart in cluster.supervisor.restarts[restarts_before:]:
            faults[-1].restart = {"code": restart.code, "restarted_after_s": _seconds(restart.restarted_at, began)}

    time.sleep(max(0.0, MIN_LOAD_SECONDS - (time.time() - started)))
    load.stop()
    load_seconds = time.time() - started
    for fault in faults:
        fault.next_booked_s = _seconds(load.first_booked_after(fault.ended), fault.ended)
        fault.next_event_s = _seconds(_first_event_after(urls["bookings"], fault.ended), fault.ended)
    print("reckoning ...", flush=True)
    reckoning = reckon(load, salon.company_id, urls["bookings"], urls["notifications"], cluster.rpc_timeout)
    alive = {name: p.popen is not None and p.popen.poll() is None for name, p in cluster.processes.items()}
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "clients": args.clients,
        "cut_seconds": args.cut_seconds,
        "rpc_timeout_s": cluster.rpc_timeout,
        "load_seconds": round(load_seconds, 1),
        "faults": [asdict(fault) | {"began_s": round(fault.began - started, 1)} for fault in faults],
        "reckoning": _plain(reckoning),
        "problems": reckoning.problems(),
        "restarts": [asdict(restart) for restart in cluster.supervisor.restarts],
        "alive_at_end": alive,
    }


def _recover(load: BookingLoad, fault: Fault, steady: float) -> None:
    """Until a booking is answered 201 after the fault (at most a minute), then steady booking."""
    deadline = time.monotonic() + 60
    while load.first_booked_after(fault.ended) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(steady)


def _first_event_after(bookings_url: str, moment: float) -> float | None:
    engine = create_engine(with_driver(bookings_url))
    try:
        with engine.connect() as connection:
            first = connection.execute(
                text("SELECT min(published_at) FROM outbox WHERE published_at > :moment"),
                {"moment": datetime.fromtimestamp(moment, UTC)},
            ).scalar_one()
    finally:
        engine.dispose()
    return first.timestamp() if first else None


def _seconds(later: float | None, earlier: float) -> float | None:
    return None if later is None else round(later - earlier, 1)


def _plain(reckoning) -> dict:
    plain = asdict(reckoning)
    for name in ("bad_5xx", "no_answer", "slow_503"):
        plain[name] = plain[name][:20]
    return plain


def report(results: dict, args) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    # Kept beside the docs (docs/benchmark-results) when they cite it, else in bench/results.
    result_file = (DOCS.parent / "benchmark-results" if not args.no_docs else out) / f"faults-{stamp}.json"
    result_file.write_text(json.dumps({"args": vars(args), **results}, indent=2, default=str))
    section = markdown(results, result_file.relative_to(ROOT))
    print("\n" + section)
    if not args.no_docs:
        write_docs(section)
        print(f"(also in {DOCS.relative_to(ROOT)})")


def markdown(results: dict, result_file: Path) -> str:
    r, timeout = results["reckoning"], results["rpc_timeout_s"]
    rows = []
    for fault in results["faults"]:
        booked, event = fault["next_booked_s"], fault["next_event_s"]
        met = booked is not None and booked <= RECOVERY_TARGET
        restart = ""
        if fault["restart"]:
            restart = f"; restarted by the supervisor after {fault['restart']['restarted_after_s']} s"
        rows.append(
            f"| {fault['name']}{restart} | {fault['began_s']} s | {_s(booked)} | {_s(event)} "
            f"| <= {RECOVERY_TARGET:g} s | {'met' if met else '**not met**'} |"
        )
    checks = [
        ("Bookings answered 201", f"{r['booked']} of {r['bookings']} begun ({r['retried']} needed a retry)", "", ""),
        ("Appointments in bookings' database", str(r["appointments"]), "= the 201s", r["appointments"] == r["booked"]),
        ("Lost: a 201 with no appointment", str(len(r["lost"])), "0", not r["lost"]),
        ("Phantom: an appointment its client was not told of", str(len(r["phantom"])), "0", not r["phantom"]),
        ("Duplicates: two appointments for one booking or client", str(len(r["duplicates"])), "0", not r["duplicates"]),
        (
            "Confirmation SMS: missing / repeated / to no booking",
            f"{len(r['missing_confirmations'])} / {len(r['repeated_confirmations'])} / {len(r['stray_confirmations'])}",
            "0 / 0 / 0",
            not (r["missing_confirmations"] or r["repeated_confirmations"] or r["stray_confirmations"]),
        ),
        ("5xx other than 503", str(len(r["bad_5xx"])), "0", not r["bad_5xx"]),
        ("No answer at all (client timeout, refused connection)", str(len(r["no_answer"])), "0", not r["no_answer"]),
        (
            "503 answers",
            f"{r['answers'].get('503', 0)}, the slowest {r['slowest_503_seconds']} s",
            f"each <= the RPC timeout ({timeout:g} s)",
            not r["slow_503"],
        ),
        ("Unsettled bookings at the end", str(r["unsettled"]), "0", not r["unsettled"]),
        (
            "Manual restarts",
            f"0; the supervisor restarted {', '.join(x['name'] for x in results['restarts']) or 'nothing'}",
            "0",
            all(results["alive_at_end"].values()),
        ),
    ]
    check_rows = [
        f"| {name} | {value} | {target} | {'' if met == '' else ('met' if met else '**not met**')} |"
        for name, value, target, met in checks
    ]
    problems = "\n".join(f"- {problem}" for problem in results["problems"]) or "- none"
    answers = ", ".join(f"{status}: {count}" for status, count in sorted(results["reckoning"]["answers"].items()))
    return f"""{BEGIN}
## Faults: the broker cut, the broker restarting, bookings and the relay killed

    .venv/bin/python bench/faults.py   # {results["clients"]} clients, {results["cut_seconds"]:g} s cut; about 2 minutes

The whole system as `make run` supervises it (a process that exits is started again after 1 s,
then 2, 4 ... 30 s), on PostgreSQL, every process (six services, the outbox relay, the gateway)
reaching RabbitMQ through a TCP proxy of its own. {results["clients"]} clients book distinct half-hour
slots through the widget API (`POST /api/v1/companies/{{id}}/bookings`), each booking with its
own Idempotency-Key and retried with the same key after a 503 or no answer, for
{results["load_seconds"]:g} s. The faults, one after another with steady booking between them, and
how long after each one's end a request sent after it was first answered 201 (and the relay
published the next event; a kill's end is the kill itself):

| Fault | At | First 201 to a request sent after | Next event published | Target | |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Then the reckoning: the clients' answers against bookings' database and the SMS notifications
recorded (tests/support/faults.py):

| Check | Result | Target | |
|---|---|---|---|
{chr(10).join(check_rows)}

All answers, by status: {answers}. Problems found:
{problems}

One run on {results["when"][:10]} (`{result_file}`).
{END}"""


def _s(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:g} s"


def write_docs(section: str) -> None:
    """Replace this benchmark's section in docs/benchmarks.md, or add it at the end."""
    current = DOCS.read_text()
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        DOCS.write_text(head + section + tail)
    else:
        DOCS.write_text(current.rstrip() + "\n\n" + section + "\n")


if __name__ == "__main__":
    main()
