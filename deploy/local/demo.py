"""A demo salon, created through the gateway's API as a salon owner would."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

TIMEZONE = "Europe/Berlin"
OWNER = {"name": "Olga Owner", "email": "owner@demo.salon", "password": "demo-password"}
SPECIALIST = {"name": "Anna Keller", "email": "anna@demo.salon", "password": "demo-password"}
CATEGORIES = (("Team member is important", "#d9534f"), ("VIP", "#8e44ad"), ("First visit", "#27ae60"))
EXTRA_FIELDS = (
    {"code": "allergies", "title": "Allergies", "type": "text"},
    {"code": "hair_type", "title": "Hair type", "type": "select", "options": ["straight", "wavy", "curly"]},
    {"code": "patch_test", "title": "Patch test on", "type": "date"},
)
COMPANY = {"name": "Demo Salon", "timezone": TIMEZONE, "currency": "EUR", "country": "DE", "slot_step_minutes": 15}
STAFF = [
    {"name": "Anna Keller", "position": "Stylist"},
    {"name": "Ben Wolf", "position": "Barber"},
    {"name": "Clara Vogt", "position": "Colourist"},
    {"name": "Dana Roth", "position": "Nail technician"},
]
WORKDAY = {"shifts": [{"start": "09:00", "end": "18:00"}], "breaks": [{"start": "13:00", "end": "13:30"}]}
SATURDAY = {"weekday": 5, "shifts": [{"start": "10:00", "end": "16:00"}], "breaks": []}
WEEKDAYS = [{"weekday": day, **WORKDAY} for day in range(5)] + [SATURDAY]


def load_demo(gateway_url: str, state_file: Path) -> dict:
    """Create the demo salon once; later runs find it in `state_file`."""
    if state_file.exists():
        state = json.loads(state_file.read_text())
        if _sign_in(gateway_url, state["company_id"]):
            return state
    api = _Api(gateway_url)
    signed_up = api.post("/api/v1/signup", {"company": COMPANY, "owner": OWNER})
    api.token = signed_up["access_token"]
    company_id = signed_up["company"]["id"]
    staff = [api.post("/api/v1/staff", member)["id"] for member in STAFF]
    for staff_member_id in staff:
        api.put(f"/api/v1/staff/{staff_member_id}/working-hours", {"weekly": WEEKDAYS})
    hair = api.post("/api/v1/service-categories", {"title": "Hair"})["id"]
    nails = api.post("/api/v1/service-categories", {"title": "Nails"})["id"]
    anna, ben, clara, dana = staff
    services = [
        api.post("/api/v1/services", service)["id"]
        for service in (
            _service(hair, "Women's haircut", 60, 4500, 6000, [anna, clara]),
            _service(hair, "Men's haircut", 30, 2500, 2500, [ben, {"staff_member_id": anna, "duration_minutes": 45}]),
            _service(hair, "Colouring", 120, 9000, 15000, [clara, anna]),
            _service(nails, "Manicure", 45, 3000, 3500, [dana]),
            {**_service(nails, "Nail art workshop", 90, 2000, 2000, [dana]), "group_capacity": 6},
        )
    ]
    womens_cut, mens_cut, colouring, _manicure, workshop = services
    categories = _calendar_settings(api)
    _book_tomorrow(api, anna, womens_cut, ben, mens_cut)
    _calendar_day(api, categories, anna, ben, dana, womens_cut, colouring, workshop)
    _till(api, ben, mens_cut, colouring)
    specialist = next(role["id"] for role in api.get("/api/v1/roles") if role["name"] == "specialist")
    api.post("/api/v1/users", {**SPECIALIST, "role_id": specialist, "staff_member_id": anna})
    state = {"company_id": company_id, "owner_email": OWNER["email"], "owner_password": OWNER["password"],
             "specialist_email": SPECIALIST["email"]}  # fmt: skip
    state_file.write_text(json.dumps(state))
    return state


def _service(category_id, title, minutes, price_min, price_max, staff) -> dict:
    return {
        "category_id": category_id,
        "title": title,
        "duration_minutes": minutes,
        "price_min": price_min,
        "price_max": price_max,
        "staff": [member if isinstance(member, dict) else {"staff_member_id": member} for member in staff],
    }


def _calendar_settings(api) -> dict:
    """Appointment categories and extra fields, as a salon sets them up for its calendar."""
    categories = {title: api.post("/api/v1/appointment-categories", {"title": title, "colour": colour})["id"]
                  for title, colour in CATEGORIES}  # fmt: skip
    for extra_field in EXTRA_FIELDS:
        api.post("/api/v1/appointment-extra-fields", extra_field)
    return categories


def _calendar_day(api, categories, anna, ben, dana, womens_cut, colouring, workshop) -> None:
    """Tomorrow's calendar as a working day: a visit with two services and a discount, a client who
    has arrived, a group workshop with two of its six seats taken, and a break."""
    day = _next_workday()

    def at(hour, minute=0):
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(TIMEZONE))

    visit = api.post("/api/v1/appointments", {
        "client": {"name": "Lena Schulz", "phone": "+49 151 33333333", "email": "lena@example.com"},
        "staff_member_id": anna, "service_ids": [womens_cut, colouring], "starts_at": at(14).isoformat(),
        "category_id": categories["Team member is important"], "comment": "Wants to keep the length",
        "extra_fields": {"hair_type": "curly", "patch_test": day.isoformat()},
    })["appointment"]  # fmt: skip
    [cut, colour] = visit["services"]
    api.patch(f"/api/v1/appointments/{visit['id']}", {"services": [
        {"id": cut["id"]}, {"id": colour["id"], "price": 12000, "discount": {"percent": 10}},
    ]})  # fmt: skip
    arrived = api.post("/api/v1/appointments", {
        "client": {"name": "Tom Berg", "phone": "+49 151 44444444"}, "staff_member_id": anna,
        "service_ids": [womens_cut], "starts_at": at(9).isoformat(), "category_id": categories["First visit"],
    })["appointment"]  # fmt: skip
    api.post(f"/api/v1/appointments/{arrived['id']}/visit-status", {"visit_status": "arrived"})
    event = api.post("/api/v1/group-events", {
        "staff_member_id": dana, "service_id": workshop, "starts_at": at(16).isoformat(),
        "title": "Nail art workshop: spring colours",
    })  # fmt: skip
    for client in ({"name": "Sara Klein", "phone": "+49 151 55555555"},
                   {"name": "Eva Braun", "phone": "+49 151 66666666"}):  # fmt: skip
        api.post(f"/api/v1/group-events/{event['id']}/seats", {"client": client})
    api.post(f"/api/v1/staff/{ben}/breaks", {"starts_at": at(15).isoformat(), "ends_at": at(15, 30).isoformat(),
                                              "note": "Supplier visit"})  # fmt: skip


def _next_workday():
    day = datetime.now(ZoneInfo(TIMEZONE)).date() + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def _book_tomorrow(api, anna, womens_cut, ben, mens_cut) -> None:
    day = _next_workday()
    for staff_member_id, service_id, hour, client in (
        (anna, womens_cut, 10, {"name": "Mia Becker", "phone": "+49 151 11111111"}),
        (ben, mens_cut, 11, {"name": "Noah Fischer", "phone": "+49 151 22222222"}),
    ):
        starts_at = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(TIMEZONE))
        booking = {"client": client, "staff_member_id": staff_member_id, "service_ids": [service_id]}
        api.post("/api/v1/appointments", {**booking, "starts_at": starts_at.isoformat()})


def _sign_in(gateway_url: str, company_id: int) -> bool:
    credentials = {"company_id": company_id, "email": OWNER["email"], "password": OWNER["password"]}
    return requests.post(f"{gateway_url}/api/v1/auth/login", json=credentials, timeout=10).status_code == 200


class _Api:
    def __init__(self, base_url: str):
        self.base_url, self.token = base_url, None

    def post(self, path: str, body: dict, headers: dict | None = None) -> dict:
        return self._send("post", path, body, headers)

    def put(self, path: str, body: dict) -> dict:
        return self._send("put", path, body)

    def patch(self, path: str, body: dict) -> dict:
        return self._send("patch", path, body)

    def get(self, path: str) -> dict:
        return self._send("get", path, None)

    def _send(self, method: str, path: str, body: dict, headers: dict | None = None) -> dict:
        headers = {**(headers or {}), **({"Authorization": f"Bearer {self.token}"} if self.token else {})}
        response = requests.request(method, self.base_url + path, json=body, headers=headers, timeout=30)
        if response.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {path} -> {response.status_code}: {response.text}")
        return response.json()


def _till(api, ben, mens_cut, colouring) -> None:
    """The till as a salon sets it up (admin > Products and stock), and visits checked out: two cash
    desks, products in stock in the shop and the colour room, a bill of materials for colouring, a
    membership and gift cards to sell (one for services only, single use), Ben's first client of the
    day paid in two parts, and his second buying a membership that pays that day's cut."""
    for title, kind in (("Front till", "cash"), ("Card terminal", "non_cash")):
        api.post("/api/v1/cash-desks", {"title": title, "kind": kind})
    shop = api.post("/api/v1/storages", {"title": "Shop", "for_sale": True})
    colour_room = api.post("/api/v1/storages", {"title": "Colour room", "for_sale": False, "for_services": True})
    products = {
        title: api.post("/api/v1/products", {"title": title, "unit": unit, "sale_price": price, "cost_price": cost,
                                             "article": article, "category": category})
        for title, unit, price, cost, article, category in (
            ("Argan shampoo 250 ml", "pcs", 1890, 900, "SH-250", "Hair care"),
            ("Repair hair mask", "pcs", 2490, 1100, "HM-200", "Hair care"),
            ("Colour cream 6.0", "ml", 0, 8, "CC-60", "Colour"),
            ("Developer 6 %", "ml", 0, 2, "DV-6", "Colour"),
        )
    }  # fmt: skip
    for title, storage, quantity in (
        ("Argan shampoo 250 ml", shop, 12),
        ("Repair hair mask", shop, 6),
        ("Colour cream 6.0", colour_room, 2000),
        ("Developer 6 %", colour_room, 3000),
    ):
        api.post("/api/v1/stock/movements", {"kind": "arrival", "storage_id": storage["id"],
                                             "product_id": products[title]["id"], "quantity": quantity,
                                             "note": "Opening stock"})  # fmt: skip
    api.put("/api/v1/bills-of-materials", {"service_id": colouring, "items": [
        {"product_id": products["Colour cream 6.0"]["id"], "quantity": 60},
        {"product_id": products["Developer 6 %"]["id"], "quantity": 90},
    ]})  # fmt: skip
    five_cuts = api.post("/api/v1/membership-types", {"title": "Five men's cuts", "price": 11000, "uses": 5,
                                                      "validity_days": 180, "service_ids": [mens_cut]})  # fmt: skip
    api.post("/api/v1/gift-card-types", {"title": "Gift card 50", "face_value": 5000, "validity_days": 365})
    api.post("/api/v1/gift-card-types", {"title": "Treatments voucher 30", "face_value": 3000, "validity_days": 180,
                                         "pays_for": "services", "multiple_use": False})  # fmt: skip
    starts_at = datetime.combine(_next_workday(), datetime.min.time(), ZoneInfo(TIMEZONE)).replace(hour=9)
    visit = api.post("/api/v1/appointments", {
        "client": {"name": "Paul Richter", "phone": "+49 151 77777777"}, "staff_member_id": ben,
        "service_ids": [mens_cut], "starts_at": starts_at.isoformat(), "visit_status": "arrived",
    })["appointment"]  # fmt: skip
    path = f"/api/v1/appointments/{visit['id']}"
    api.post(f"{path}/products", {"product_id": products["Argan shampoo 250 ml"]["id"], "quantity": 1},
             headers={"Idempotency-Key": f"demo-{visit['id']}-shampoo"})  # fmt: skip
    for method, amount in (("cash", 2000), ("card", None)):  # a split payment: 20.00 in cash, the rest by card
        payment = {"method": method, **({"amount": amount} if amount else {})}
        api.post(f"{path}/payments", payment, headers={"Idempotency-Key": f"demo-{visit['id']}-{method}"})
    # Ben's 10:00 client buys five cuts: the membership is paid for in cash first (a card sold is usable
    # once its visit's money covers it), then it pays today's cut, using one of its five uses.
    member = api.post("/api/v1/appointments", {
        "client": {"name": "Jonas Meyer", "phone": "+49 151 88888888"}, "staff_member_id": ben,
        "service_ids": [mens_cut], "starts_at": starts_at.replace(hour=10).isoformat(), "visit_status": "arrived",
    })["appointment"]  # fmt: skip
    path = f"/api/v1/appointments/{member['id']}"
    sold = api.post(f"{path}/cards", {"kind": "membership", "type_id": five_cuts["id"]},
                    headers={"Idempotency-Key": f"demo-{member['id']}-membership"})  # fmt: skip
    api.post(f"{path}/payments", {"method": "cash", "amount": five_cuts["price"]},
             headers={"Idempotency-Key": f"demo-{member['id']}-cash"})  # fmt: skip
    api.post(f"{path}/payments", {"method": "membership", "code": sold["card"]["code"]},
             headers={"Idempotency-Key": f"demo-{member['id']}-cut"})  # fmt: skip
