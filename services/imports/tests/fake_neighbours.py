"""Stand-ins for scheduling, accounts, clients, bookings and notifications, run with `nameko run` on the test's
vhost: the imports service calls them over the real broker, as it calls the real ones. They keep what
they are sent in memory, per company, and tell it through `recorded(company_id)`."""

from collections import defaultdict
from datetime import UTC, datetime

from nameko.rpc import rpc
from nameko.web.handlers import http

STAFF = [{"id": 11, "name": "Anna"}, {"id": 12, "name": "Boris"}]
SERVICES = [
    {"id": 21, "title": "Cut", "duration_minutes": 30, "price_min": 3000, "price_max": 3000, "category_id": 31},
    {"id": 22, "title": "Colour", "duration_minutes": 60, "price_min": 6000, "price_max": 8000, "category_id": None},
]
CATEGORIES = [{"id": 31, "title": "Hair"}]
USERS = [{"id": 3, "name": "Owner"}, {"id": 4, "name": "Reception"}]
INVALID_PREFIX = "999"  # phones the stand-in for clients refuses

calls = defaultdict(list)  # company_id -> [[method, argument], ...]
services = defaultdict(lambda: [dict(service) for service in SERVICES])
categories = defaultdict(lambda: [dict(category) for category in CATEGORIES])
cards = defaultdict(dict)  # company_id -> {phone: card}
appointments = defaultdict(dict)  # company_id -> {key: overview row}


def _record(company_id: int, method: str, argument) -> None:
    calls[company_id].append([method, argument])


def _now() -> str:
    return datetime.now(UTC).isoformat()


class FakeScheduling:
    name = "scheduling"

    @rpc
    def get_company(self, company_id):
        return {"id": company_id, "name": "Studio Lumière", "timezone": "Europe/Berlin", "currency": "EUR",
                "country": "DE", "slot_step_minutes": 15}  # fmt: skip

    @rpc
    def list_staff(self, company_id, include_inactive=False):
        return STAFF

    @rpc
    def list_services(self, company_id, include_inactive=False):
        return services[company_id]

    @rpc
    def list_service_categories(self, company_id):
        return categories[company_id]

    @rpc
    def create_service_category(self, company_id, category):
        _record(company_id, "create_service_category", category)
        created = {"id": 100 + len(categories[company_id]), "title": category["title"]}
        categories[company_id].append(created)
        return created

    @rpc
    def create_service(self, company_id, service):
        _record(company_id, "create_service", service)
        created = {**service, "id": 200 + len(services[company_id])}
        services[company_id].append(created)
        return created

    @rpc
    def recorded(self, company_id):
        return calls[company_id]

    @http("GET", "/health/ready")
    def health_ready(self, request):
        return 200, "ok"


class FakeAccounts:
    name = "accounts"

    @rpc
    def list_users(self, company_id):
        return USERS


class FakeClients:
    name = "clients"

    @rpc
    def normalise_phones(self, company_id, query):
        _record(company_id, "normalise_phones", query)
        return [_normalised(phone) for phone in query["phones"]]

    @rpc
    def find_or_create_clients(self, company_id, command):
        _record(company_id, "find_or_create_clients", command)
        found = []
        for client in command["clients"]:
            phone = _normalised(client["phone"])["phone"]
            if phone not in cards[company_id]:
                card = {"id": 1000 + len(cards[company_id]), "phone": phone, "name": client["name"],
                        "email": client.get("email"), "created_at": _now()}  # fmt: skip
                cards[company_id][phone] = card
            found.append(cards[company_id][phone])
        return found


def _normalised(phone: str) -> dict:
    digits = "".join(character for character in phone if character.isdigit())
    if digits.startswith(INVALID_PREFIX):
        return {"phone": None, "error": "not a phone number in Germany"}
    return {"phone": "+49" + digits[1:] if digits.startswith("0") else "+" + digits, "error": None}


class FakeBookings:
    """import_appointments all or nothing: a row whose comment says "overlap" is refused, and then
    nothing is written; a row whose key was imported before is existing."""

    name = "bookings"

    @rpc
    def import_appointments(self, company_id, command):
        _record(company_id, "import_appointments", command)
        rows = command["appointments"]
        problems = [
            {"row": row["row"], "column": "Date", "message": "Overlaps an appointment in the calendar."}
            for row in rows
            if row["comment"] == "overlap"
        ]
        if problems:
            return {"created": 0, "existing": 0, "problems": problems}
        new = [row for row in rows if row["key"] not in appointments[company_id]]
        if command["dry_run"]:
            return {"created": 0, "existing": len(rows) - len(new), "problems": []}
        for row in new:
            appointments[company_id][row["key"]] = _overview_row(company_id, row, command["created_by"])
        return {"created": len(new), "existing": len(rows) - len(new), "problems": []}

    @rpc
    def list_overview(self, company_id, query):
        _record(company_id, "list_overview", query)
        rows = sorted(appointments[company_id].values(), key=lambda row: row["id"])
        start = int(query.get("cursor") or 0)
        end = start + query["limit"]
        return {"rows": rows[start:end], "next_cursor": str(end) if end < len(rows) else None}


def _overview_row(company_id: int, row: dict, created_by: dict) -> dict:
    lines = [{key: line[key] for key in ("service_id", "title", "price", "category_id")} for line in row["services"]]
    total = sum(line["price"] for line in lines) - row["discount"]
    return {
        "id": len(appointments[company_id]) + 1, "created_at": _now(), "created_by": created_by, "source": "import",
        "staff_member_id": row["staff_member_id"], "services": lines, "client_id": row["client_id"],
        "client_name": row["client_name"], "client_phone": row["client_phone"], "starts_at": row["starts_at"],
        "ends_at": row["ends_at"], "visit_status": row["visit_status"], "payment_status": "not_paid",
        "paid_amount": 0, "total_price": total, "discount": row["discount"], "state": "booked", "deleted_at": None,
        "comment": row["comment"],
    }  # fmt: skip


class FakeNotifications:
    name = "notifications"

    @rpc
    def send_email(self, company_id, email):
        _record(company_id, "send_email", email)
        return {"id": 1, "channel": "email", "recipient": email["to"], "status": "sent"}
