import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import new_company

from accounts.domain.rights import RIGHTS
from accounts.service import AccountsService
from salon_infra.database import UnitOfWork
from salon_infra.errors import AuthenticationFailed, InvalidInput, NotFound

EVERY_RIGHT = list(RIGHTS)
ADMINISTRATOR_RIGHTS = [right for right in RIGHTS if right not in ("manage_users", "import_data")]
SPECIALIST_RIGHTS = ["calendar_own_column"]


@pytest.fixture
def owner(api):
    return new_company(api)["user"]


@pytest.fixture
def roles(api, owner):
    return {role["name"]: role for role in api.list_roles(owner["company_id"])}


def add_user(api, company_id, role_id, name="Eva", acting_user_id=None, **fields):
    user = {"name": name, "email": f"{name}@example.com", "password": "a-good-password", "role_id": role_id}
    return api.create_user(company_id, {**user, **fields}, acting_user_id=acting_user_id)


def test_a_new_company_has_the_built_in_roles_and_an_owner_with_every_right(api, owner, roles):
    assert owner["role"] == "owner" and owner["rights"] == EVERY_RIGHT and owner["active"] is True
    assert owner["role_id"] == roles["owner"]["id"]
    assert [(r["name"], r["built_in"], r["rights"]) for r in api.list_roles(owner["company_id"])] == [
        ("owner", True, EVERY_RIGHT),
        ("administrator", True, ADMINISTRATOR_RIGHTS),
        ("specialist", True, SPECIALIST_RIGHTS),
    ]
    assert {"calendar_all_staff", "calendar_own_column"} <= set(ADMINISTRATOR_RIGHTS)


def test_rights_are_listed_with_what_they_allow(api):
    listed = api.list_rights()
    assert [right["name"] for right in listed] == EVERY_RIGHT
    assert [right["name"] for right in listed][:3] == [
        "view_bookings_overview",
        "calendar_all_staff",
        "calendar_own_column",
    ]
    assert {"import_data", "export_data", "manage_settings", "manage_users", "take_payments"} <= set(EVERY_RIGHT)
    assert all(right["description"] for right in listed)


def test_a_user_signs_in_with_the_roles_name_and_rights(api, owner, roles):
    company_id = owner["company_id"]
    created = add_user(api, company_id, roles["administrator"]["id"], name="Adele")
    assert created["role"] == "administrator" and created["rights"] == ADMINISTRATOR_RIGHTS
    signed_in = api.authenticate(company_id, "ADELE@example.com", "a-good-password")
    assert signed_in == created and "password" not in signed_in
    assert [user["name"] for user in api.list_users(company_id)] == ["Adele", "Olga"]


def test_custom_roles(api, owner, roles):
    company_id = owner["company_id"]
    cashier = api.create_role(company_id, {"name": "Cashier", "rights": ["take_payments", "view_bookings_overview"]})
    assert cashier["rights"] == ["view_bookings_overview", "take_payments"] and cashier["built_in"] is False
    user = add_user(api, company_id, cashier["id"], name="Carl")
    changed = api.update_role(company_id, cashier["id"], {"name": "Front desk", "rights": ["manage_settings"]})
    assert changed["name"] == "Front desk" and changed["rights"] == ["manage_settings"]
    assert api.authenticate(company_id, user["email"], "a-good-password")["rights"] == ["manage_settings"]
    assert [role["name"] for role in api.list_roles(company_id)][-1] == "Front desk"


@pytest.mark.parametrize(
    ("role", "field"),
    [
        ({"name": "Cashier", "rights": ["take_payments", "fly"]}, "rights"),
        ({"name": "Cashier", "rights": "take_payments"}, "rights"),
        ({"name": "", "rights": []}, "name"),
        ({"name": "Owner", "rights": []}, "name"),
        ({"name": "Cashier"}, "rights"),
    ],
)
def test_a_bad_role_names_the_field(api, owner, role, field):
    with pytest.raises(InvalidInput) as problem:
        api.create_role(owner["company_id"], role)
    assert list(problem.value.errors) == [field]


def test_an_unknown_right_is_named(api, owner):
    with pytest.raises(InvalidInput) as problem:
        api.create_role(owner["company_id"], {"name": "Cashier", "rights": ["take_payments", "fly"]})
    assert problem.value.errors == {"rights": ["Unknown rights: fly."]}


def test_role_names_are_unique_per_company(api, owner):
    api.create_role(owner["company_id"], {"name": "Cashier", "rights": []})
    with pytest.raises(InvalidInput) as problem:
        api.create_role(owner["company_id"], {"name": "Cashier", "rights": ["export_data"]})
    assert list(problem.value.errors) == ["name"]
    other = new_company(api)["company"]["id"]
    assert api.create_role(other, {"name": "Cashier", "rights": []})["company_id"] == other


def test_built_in_roles_cannot_change(api, owner, roles):
    company_id = owner["company_id"]
    for name in ("owner", "administrator", "specialist"):
        with pytest.raises(InvalidInput) as problem:
            api.update_role(company_id, roles[name]["id"], {"rights": ["export_data"]})
        assert list(problem.value.errors) == ["rights"]
        with pytest.raises(InvalidInput) as problem:
            api.update_role(company_id, roles[name]["id"], {"name": "Boss"})
        assert list(problem.value.errors) == ["name"]
    assert api.list_roles(company_id) == list(roles.values())


def test_another_companys_role_or_user_is_not_found(api, owner, roles):
    other = new_company(api)["user"]
    other_role = api.create_role(other["company_id"], {"name": "Cashier", "rights": []})
    company_id = owner["company_id"]
    with pytest.raises(NotFound):
        api.update_role(company_id, other_role["id"], {"name": "Mine now"})
    with pytest.raises(NotFound):
        add_user(api, company_id, other_role["id"])
    with pytest.raises(NotFound):
        api.update_user(company_id, other["id"], {"active": False})
    eva = add_user(api, company_id, roles["specialist"]["id"])
    with pytest.raises(NotFound):
        api.update_user(company_id, eva["id"], {"role_id": other_role["id"]})
    assert api.list_users(other["company_id"]) == [other]


def test_the_last_active_owner_can_be_neither_demoted_nor_switched_off(api, owner, roles):
    company_id = owner["company_id"]
    with pytest.raises(InvalidInput) as problem:
        api.update_user(company_id, owner["id"], {"role_id": roles["administrator"]["id"]})
    assert list(problem.value.errors) == ["role_id"]
    with pytest.raises(InvalidInput) as problem:
        api.update_user(company_id, owner["id"], {"active": False})
    assert list(problem.value.errors) == ["active"]

    second = add_user(api, company_id, roles["owner"]["id"], name="Sofia")
    demoted = api.update_user(company_id, owner["id"], {"role_id": roles["administrator"]["id"]})
    assert demoted["role"] == "administrator" and demoted["rights"] == ADMINISTRATOR_RIGHTS
    with pytest.raises(InvalidInput):
        api.update_user(company_id, second["id"], {"active": False})
    assert api.update_user(company_id, second["id"], {"name": "Sofia K."})["role"] == "owner"


def test_updating_a_user(api, owner, roles, scheduling):
    company_id = owner["company_id"]
    anna = scheduling.add_staff_member(company_id)
    eva = add_user(api, company_id, roles["specialist"]["id"], staff_member_id=anna)
    assert eva["staff_member_id"] == anna and eva["rights"] == SPECIALIST_RIGHTS
    assert api.authenticate(company_id, eva["email"], "a-good-password")["rights"] == ["calendar_own_column"]
    changed = api.update_user(
        company_id, eva["id"], {"name": "Eva M.", "role_id": roles["administrator"]["id"], "password": "another-one"}
    )
    assert changed["name"] == "Eva M." and changed["role"] == "administrator"
    assert api.authenticate(company_id, eva["email"], "another-one")["id"] == eva["id"]
    assert api.update_user(company_id, eva["id"], {"active": False})["active"] is False
    with pytest.raises(AuthenticationFailed):
        api.authenticate(company_id, eva["email"], "another-one")


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"password": "short"}, "password"), ({"role_id": "x"}, "role_id"), ({"email": "e@example.com"}, "email")],
)
def test_bad_user_changes_name_the_field(api, owner, changes, field):
    with pytest.raises(InvalidInput) as problem:
        api.update_user(owner["company_id"], owner["id"], changes)
    assert list(problem.value.errors) == [field]


def test_emails_are_unique_per_company(api, owner, roles):
    with pytest.raises(InvalidInput) as problem:
        add_user(api, owner["company_id"], roles["specialist"]["id"], email=owner["email"].upper())
    assert list(problem.value.errors) == ["email"]


def test_another_companys_staff_member_cannot_be_linked(api, owner, roles, scheduling):
    other = new_company(api)["company"]["id"]
    stranger = scheduling.add_staff_member(other)
    with pytest.raises(NotFound):
        add_user(api, owner["company_id"], roles["specialist"]["id"], staff_member_id=stranger)
    with pytest.raises(NotFound):
        api.update_user(owner["company_id"], owner["id"], {"staff_member_id": stranger})


def test_nobody_grants_rights_beyond_their_own(api, owner, roles):
    company_id = owner["company_id"]
    hiring = api.create_role(company_id, {"name": "Hiring", "rights": ["manage_users", "manage_settings"]})
    hr = add_user(api, company_id, hiring["id"], name="Hana")
    act = {"acting_user_id": hr["id"]}

    with pytest.raises(InvalidInput) as problem:  # a specialist sees their own column; Hana does not
        add_user(api, company_id, roles["specialist"]["id"], name="Sam", **act)
    assert list(problem.value.errors) == ["role_id"] and "calendar_own_column" in problem.value.errors["role_id"][0]
    api.update_role(company_id, hiring["id"], {"rights": ["manage_users", "manage_settings", "calendar_own_column"]})
    assert add_user(api, company_id, roles["specialist"]["id"], name="Sam", **act)["role"] == "specialist"
    with pytest.raises(InvalidInput) as problem:
        add_user(api, company_id, roles["owner"]["id"], name="Mallory", **act)
    assert list(problem.value.errors) == ["role_id"] and "export_data" in problem.value.errors["role_id"][0]
    with pytest.raises(InvalidInput) as problem:
        api.create_role(company_id, {"name": "Exporter", "rights": ["export_data"]}, **act)
    assert list(problem.value.errors) == ["rights"]
    with pytest.raises(InvalidInput) as problem:
        api.update_user(company_id, owner["id"], {"password": "taken-over"}, **act)
    assert list(problem.value.errors) == ["user_id"]
    with pytest.raises(InvalidInput):
        api.update_user(company_id, hr["id"], {"role_id": roles["owner"]["id"]}, **act)

    assert api.create_role(company_id, {"name": "Exporter", "rights": ["export_data"]}, acting_user_id=owner["id"])


def test_two_owners_demoting_each_other_at_once_leave_one_owner(api, owner, roles, sessions, passwords, scheduling):
    company_id = owner["company_id"]
    second = add_user(api, company_id, roles["owner"]["id"], name="Sofia")
    administrator = roles["administrator"]["id"]
    start = threading.Barrier(2)

    def demote(user_id):
        service = AccountsService()
        service.uow, service.passwords, service.scheduling = UnitOfWork(sessions), passwords, scheduling
        start.wait()
        try:
            return service.update_user(company_id, user_id, {"role_id": administrator})["role"]
        except InvalidInput:
            return "refused"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(demote, [owner["id"], second["id"]]))
    assert outcomes == ["administrator", "refused"]
    assert [user["role"] for user in api.list_users(company_id)].count("owner") == 1
