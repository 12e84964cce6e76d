"""Benchmark: checking out a visit through the gateway, next to its in-process floor.

    .venv/bin/python bench/checkout.py [--checkouts 200] [--clients 16] [--concurrent 480]

Starts the whole system on throwaway PostgreSQL databases and a RabbitMQ vhost, makes a salon with
a till (two cash desks, a shop with a product in stock) and books visits of 3 service lines each
(not timed), then measures the checkout of one visit: its bill read, 1 product sold, and a 2-part
split payment (part in cash, the rest by card), each payment with its Idempotency-Key:
  - one checkout after another through the gateway (4 requests, each with the calendar's access
    check, which reads the appointment from bookings): p50 and p99 of the whole checkout;
  - the same with 16 clients at once, each on visits of its own: checkouts per second;
  - the floor: the same payments handlers in this process on the same database (the service's RPC
    methods with their unit of work injected: validation, the bill locked, stock, payments, the
    outbox), one checkout after another.
Prints a Markdown table with the ratio to the floor and writes bench/results/checkout-<time>.json.
"""

import argparse
import contextlib
import json
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(ROOT / "tests"), str(ROOT / "bench")]

from cluster import SERVICES, LocalCluster  # noqa: E402
from measure import summary, wait_for_relay  # noqa: E402
from support.api import Api  # noqa: E402
from support.salon import FULL_WEEK, open_salon  # noqa: E402

from salon_infra.database import UnitOfWork, create_engine_for, session_factory  # noqa: E402
from salon_infra.testing import temporary_database, temporary_vhost  # noqa: E402

STAFF = 16
SERVICES_PER_VISIT = ("Cut", "Wash", "Style")  # 3000 + 1000 + 2000
FLOOR_ACTOR = 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=int, default=200, help="one after another, through the gateway")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--concurrent", type=int, default=480, help="checkouts made by the clients at once")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        amqp_uri = stack.enter_context(temporary_vhost())
        urls = {spec.name: stack.enter_context(temporary_database(f"bench_{spec.name}")) for spec in SERVICES}
        cluster = LocalCluster(
            amqp_uri=amqp_uri,
            database_urls=urls,
            log_dir=ROOT / "bench" / "results" / "logs",
            jwt_secret="bench-jwt-secret-of-at-least-thirty-two-bytes",
        )
        cluster.migrate()
        cluster.start()
        stack.callback(cluster.stop)
        results = run(cluster, urls, args)
    report(results, args)


def run(cluster: LocalCluster, urls: dict, args) -> dict:
    salon, product = load_salon(Api(cluster.gateway_url))
    warmup = 20
    visits = book_visits(salon, warmup + args.checkouts + args.concurrent)
    wait_for_relay(urls["bookings"])
    analyze(urls)

    def checkout(appointment: dict, api: Api) -> None:
        path = f"/api/v1/appointments/{appointment['id']}"
        bill = api.ok("GET", f"{path}/bill")
        assert bill["total"] == 6000, bill
        api.ok("POST", f"{path}/products", {"product_id": product["id"], "quantity": 1},
               headers={"Idempotency-Key": uuid.uuid4().hex})  # fmt: skip
        first = api.ok("POST", f"{path}/payments", {"method": "cash", "amount": 4000},
                       headers={"Idempotency-Key": uuid.uuid4().hex})  # fmt: skip
        last = api.ok("POST", f"{path}/payments", {"method": "card"}, headers={"Idempotency-Key": uuid.uuid4().hex})
        assert first["bill"]["due"] == 3500 and last["bill"]["paid_in_full"], last["bill"]

    queue = iter(visits)
    for _ in range(warmup):
        checkout(next(queue), salon.api)
    samples = []
    for _ in range(args.checkouts):
        started = time.perf_counter()
        checkout(next(queue), salon.api)
        samples.append((time.perf_counter() - started) * 1000)
    sequential = summary(samples)

    together = [next(queue) for _ in range(args.concurrent)]
    clients = [salon.api.as_staff(salon.api.token) for _ in range(args.clients)]
    shares = [together[index :: args.clients] for index in range(args.clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(lambda pair: [checkout(visit, pair[1]) for visit in pair[0]], zip(shares, clients, strict=True)))
    elapsed = time.perf_counter() - started

    floor = in_process_floor(urls["payments"], salon.company_id, product["id"], args.checkouts, warmup)
    return {
        "setup": {"staff": STAFF, "lines_per_visit": len(SERVICES_PER_VISIT), "visits": len(visits)},
        "checkout_gateway_ms": sequential,
        "concurrent": {
            "clients": args.clients,
            "checkouts": args.concurrent,
            "seconds": round(elapsed, 2),
            "checkouts_per_second": round(args.concurrent / elapsed, 1),
        },
        "checkout_in_process_ms": floor,
    }


def load_salon(public: Api):
    salon = open_salon(public, name="Checkout Benchmark Salon")
    for n in range(STAFF):
        salon.add_staff(f"Staff {n:02d}", weekly=FULL_WEEK)
    everyone = list(salon.staff)
    for title, price in zip(SERVICES_PER_VISIT, (3000, 1000, 2000), strict=True):
        salon.add_service(title, 10, everyone, price=price)
    api = salon.api
    for title, kind in (("Till", "cash"), ("Terminal", "non_cash")):
        api.ok("POST", "/api/v1/cash-desks", {"title": title, "kind": kind})
    shop = api.ok("POST", "/api/v1/storages", {"title": "Shop"})
    product = api.ok("POST", "/api/v1/products", {"title": "Shampoo", "sale_price": 1500})
    api.ok("POST", "/api/v1/stock/movements", {"kind": "arrival", "storage_id": shop["id"],
                                               "product_id": product["id"], "quantity": 1_000_000})  # fmt: skip
    return salon, product


def book_visits(salon, count: int) -> list[dict]:
    """`count` visits of 3 service lines (30 minutes), spread over the staff and the days ahead."""
    first_day = date.today() + timedelta(days=7)
    names = list(salon.staff)

    def book(number: int) -> dict:
        slot, name = divmod(number, STAFF)
        day, half_hour = divmod(slot, 16)
        starts_at = salon.local(first_day + timedelta(days=day), 8 + half_hour // 2, 30 * (half_hour % 2))
        client = {"name": f"Client {number}", "phone": f"+49151{number + 50_000_000:08d}"}
        response = salon.book_as_staff(list(SERVICES_PER_VISIT), starts_at, names[name], client=client)
        assert response.status_code == 201, response.text
        return response.json()["appointment"]

    with ThreadPoolExecutor(16) as pool:
        visits = list(pool.map(book, range(count)))
    print(f"booked {len(visits)} visits", flush=True)
    return visits


def in_process_floor(payments_url: str, company_id: int, product_id: int, count: int, warmup: int) -> dict:
    """The same checkout through the payments service's RPC methods in this process: bills made from
    appointment events first (not timed), then the bill read, a product sold and two payments."""
    from payments.service import PaymentsService

    service = PaymentsService()
    service.uow = UnitOfWork(session_factory(create_engine_for(payments_url, pool_size=2)))
    service.bookings = None  # every bill is there already: no read-through
    visits = []
    for number in range(count + warmup):
        appointment_id = 10**9 + number
        prices = zip(SERVICES_PER_VISIT, (3000, 1000, 2000), strict=True)
        lines = [{"id": appointment_id * 10 + i, "service_id": i + 1, "title": title, "category_id": None,
                  "price": price, "quantity": 1, "discount": 0, "total": price}
                 for i, (title, price) in enumerate(prices)]  # fmt: skip
        appointment = {"id": appointment_id, "client_id": 1, "staff_member_id": 1, "services": lines,
                       "starts_at": datetime.now(UTC).isoformat(), "state": "booked", "version": 1}  # fmt: skip
        service.on_appointment({"event_id": str(uuid.uuid4()), "company_id": company_id,
                                "data": {"appointment": appointment}})  # fmt: skip
        visits.append(appointment_id)

    def checkout(appointment_id: int) -> None:
        assert service.get_bill(company_id, appointment_id)["total"] == 6000
        service.sell_product(company_id, appointment_id, {"product_id": product_id, "quantity": 1,
                                                          "actor_id": FLOOR_ACTOR,
                                                          "idempotency_key": uuid.uuid4().hex})  # fmt: skip
        service.take_payment(company_id, appointment_id, {"method": "cash", "amount": 4000, "actor_id": FLOOR_ACTOR,
                                                          "idempotency_key": uuid.uuid4().hex})  # fmt: skip
        paid = service.take_payment(company_id, appointment_id, {"method": "card", "actor_id": FLOOR_ACTOR,
                                                                 "idempotency_key": uuid.uuid4().hex})  # fmt: skip
        assert paid["bill"]["paid_in_full"]

    for appointment_id in visits[:warmup]:
        checkout(appointment_id)
    samples = []
    for appointment_id in visits[warmup:]:
        started = time.perf_counter()
        checkout(appointment_id)
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


def analyze(urls: dict) -> None:
    """Table statistics, as a salon's database in use has them."""
    from sqlalchemy import create_engine, text

    for url in urls.values():
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
        engine.dispose()


def report(results: dict, args) -> None:
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"checkout-{stamp}.json").write_text(json.dumps({"args": vars(args), **results}, indent=2))
    g, p, c = results["checkout_gateway_ms"], results["checkout_in_process_ms"], results["concurrent"]
    print(
        f"""
| Measure | p50 | p99 | Ratio to the floor (p50) |
|---|---|---|---|
| Checkout through the gateway (bill, 1 product, 2-part split payment: 4 requests) | {g["p50_ms"]} ms | {g["p99_ms"]} ms | {g["p50_ms"] / p["p50_ms"]:.2f}x |
| The same payments handlers in process (floor) | {p["p50_ms"]} ms | {p["p99_ms"]} ms | 1 |
| {c["clients"]} clients at once, {c["checkouts"]} checkouts | {c["checkouts_per_second"]} checkouts/s | | |

Raw figures: bench/results/checkout-{stamp}.json
"""  # noqa: E501
    )


if __name__ == "__main__":
    main()
