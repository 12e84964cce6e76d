"""A demo salon, created through the gateway's API as a salon owner would."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

TIMEZONE = "Europe/Berlin"
OWNER = {"name": "Olga Owner", "email": "owner@demo.salon", "password": "demo-password"}
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
            _service(hair, "Colouring", 120, 9000, 15000, [clara]),
            _service(nails, "Manicure", 45, 3000, 3500, [dana]),
        )
    ]
    _book_tomorrow(api, anna, services[0], ben, services[1])
    state = {"company_id": company_id, "owner_email": OWNER["email"], "owner_password": OWNER["password"]}
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


def _book_tomorrow(api, anna, womens_cut, ben, mens_cut) -> None:
    day = datetime.now(ZoneInfo(TIMEZONE)).date() + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
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

    def post(self, path: str, body: dict) -> dict:
        return self._send("post", path, body)

    def put(self, path: str, body: dict) -> dict:
        return self._send("put", path, body)

    def _send(self, method: str, path: str, body: dict) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = requests.request(method, self.base_url + path, json=body, headers=headers, timeout=30)
        if response.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {path} -> {response.status_code}: {response.text}")
        return response.json()
