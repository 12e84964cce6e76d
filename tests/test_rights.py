"""Users, roles and named rights through the HTTP API: who may change the salon's settings."""

import itertools

from support.api import Api
from support.salon import open_salon

_people = itertools.count(1)
PASSWORD = "a-good-password"
EVERY_RIGHT = {
    "view_bookings_overview",
    "calendar_all_staff",
    "calendar_own_column",
    "take_payments",
    "delete_payments",
    "sell_memberships_and_gift_cards",
    "manage_products_and_stock",
    "delete_bookings",
    "delete_paid_bookings",
    "delete_arrived_bookings",
    "export_data",
    "import_data",
    "manage_settings",
    "manage_users",
}


def sign_in(salon, role_id: int) -> tuple[dict, Api]:
    """A new user of the salon with this role, and the API as that user."""
    email = f"user{next(_people)}@example.com"
    new = {"name": f"User {email}", "email": email, "password": PASSWORD, "role_id": role_id}
    user = salon.api.ok("POST", "/api/v1/users", new)
    return user, as_user(salon, email)


def as_user(salon, email: str) -> Api:
    credentials = {"company_id": salon.company_id, "email": email, "password": PASSWORD}
    session = salon.public.ok("POST", "/api/v1/auth/login", credentials)
    return salon.public.as_staff(session["access_token"])


def roles_of(salon) -> dict[str, dict]:
    return {role["name"]: role for role in salon.api.ok("GET", "/api/v1/roles")}


def test_rights_are_listed_and_the_owner_holds_every_one(salon):
    assert {right["name"] for right in salon.api.ok("GET", "/api/v1/rights")} == EVERY_RIGHT
    me = salon.api.ok("GET", "/api/v1/me")
    assert me["role"] == "owner" and set(me["rights"]) == EVERY_RIGHT
    roles = roles_of(salon)
    assert [(name, role["built_in"]) for name, role in roles.items()] == [
        ("owner", True),
        ("administrator", True),
        ("specialist", True),
    ]
    assert set(roles["administrator"]["rights"]) == EVERY_RIGHT - {"manage_users", "import_data"}


def test_a_specialist_cannot_change_settings_and_an_administrator_can(salon):
    roles = roles_of(salon)
    _, specialist = sign_in(salon, roles["specialist"]["id"])
    refused = specialist.patch("/api/v1/company", {"name": "Taken over"})
    assert refused.status_code == 403 and "manage_settings" in refused.json()["message"]
    assert specialist.post("/api/v1/staff", {"name": "Eva"}).status_code == 403
    assert specialist.ok("GET", "/api/v1/company")["name"] != "Taken over"

    _, administrator = sign_in(salon, roles["administrator"]["id"])
    assert administrator.ok("PATCH", "/api/v1/company", {"name": "Renamed by the administrator"})["name"] == (
        "Renamed by the administrator"
    )
    refused = administrator.get("/api/v1/users")
    assert refused.status_code == 403 and "manage_users" in refused.json()["message"]


def test_a_custom_role_with_manage_settings_can_change_settings(salon):
    front_desk = salon.api.ok("POST", "/api/v1/roles", {"name": "Front desk", "rights": ["manage_settings"]})
    assert front_desk["built_in"] is False and front_desk["rights"] == ["manage_settings"]
    user, api = sign_in(salon, front_desk["id"])
    assert user["role"] == "Front desk" and user["rights"] == ["manage_settings"]
    assert api.ok("PATCH", "/api/v1/company", {"name": "Front desk was here"})["name"] == "Front desk was here"
    assert api.ok("POST", "/api/v1/staff", {"name": "Nora"})["name"] == "Nora"
    assert api.post("/api/v1/appointments/1/payments", {"method": "cash"}).status_code == 403

    salon.api.ok("PATCH", f"/api/v1/roles/{front_desk['id']}", {"rights": ["take_payments"]})
    api = as_user(salon, user["email"])  # rights travel in the token: the old one ends, the new one has them
    assert api.patch("/api/v1/company", {"name": "Not any more"}).status_code == 403


def test_role_rules_name_the_field(salon):
    roles = roles_of(salon)
    unknown = salon.api.post("/api/v1/roles", {"name": "Magic", "rights": ["fly"]})
    assert unknown.status_code == 422 and "rights" in unknown.json()["errors"]["json"]
    fixed = salon.api.patch(f"/api/v1/roles/{roles['administrator']['id']}", {"rights": ["manage_users"]})
    assert fixed.status_code == 422 and "rights" in fixed.json()["errors"]["json"]


def test_the_last_owner_cannot_be_demoted_or_switched_off(salon):
    roles = roles_of(salon)
    owner = salon.api.ok("GET", "/api/v1/me")
    demote = salon.api.patch(f"/api/v1/users/{owner['id']}", {"role_id": roles["administrator"]["id"]})
    assert demote.status_code == 422 and "role_id" in demote.json()["errors"]["json"]
    switch_off = salon.api.patch(f"/api/v1/users/{owner['id']}", {"active": False})
    assert switch_off.status_code == 422 and "active" in switch_off.json()["errors"]["json"]
    assert salon.api.ok("GET", "/api/v1/me")["role"] == "owner"

    second_owner, second = sign_in(salon, roles["owner"]["id"])
    demoted = salon.api.ok("PATCH", f"/api/v1/users/{owner['id']}", {"role_id": roles["administrator"]["id"]})
    assert demoted["role"] == "administrator"
    assert salon.api.get("/api/v1/users").status_code == 401  # the demoted owner's token ended with the change
    assert [user["role"] for user in second.ok("GET", "/api/v1/users", expect=(200,))].count("owner") == 1
    assert second_owner["role"] == "owner"


def test_another_salons_role_is_not_found(salon, public):
    other = open_salon(public)
    their_role = other.api.ok("POST", "/api/v1/roles", {"name": "Cashier", "rights": ["take_payments"]})
    assert salon.api.patch(f"/api/v1/roles/{their_role['id']}", {"name": "Mine"}).status_code == 404
    new = {"name": "Spy", "email": "spy@example.com", "password": PASSWORD, "role_id": their_role["id"]}
    assert salon.api.post("/api/v1/users", new).status_code == 404
