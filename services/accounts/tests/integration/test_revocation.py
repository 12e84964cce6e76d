"""Every change that should end a user's sign-ins bumps their token version; others leave it."""

import pytest
from helpers import new_company

PASSWORD = "a-good-password"


@pytest.fixture
def salon(api):
    created = new_company(api)
    roles = {role["name"]: role for role in api.list_roles(created["company"]["id"])}
    return created["company"]["id"], created["user"], roles


def add_user(api, company_id, role_id, name, **fields):
    user = {"name": name, "email": f"{name}@example.com", "password": PASSWORD, "role_id": role_id, **fields}
    return api.create_user(company_id, user)


def version(api, company_id, user_id):
    return api.token_state(company_id, user_id)["token_version"]


def test_a_new_user_starts_at_version_one_and_signing_in_tells_it(api, salon):
    company_id, _, roles = salon
    eva = add_user(api, company_id, roles["specialist"]["id"], "eva")
    assert eva["token_version"] == version(api, company_id, eva["id"]) == 1
    assert api.authenticate(company_id, "eva@example.com", PASSWORD)["token_version"] == 1
    assert api.token_state(company_id, eva["id"]) == {"user_id": eva["id"], "token_version": 1}


def test_switching_off_ends_every_token_and_switching_on_does_not_revive_them(api, salon):
    company_id, _, roles = salon
    eva = add_user(api, company_id, roles["specialist"]["id"], "eva")
    api.update_user(company_id, eva["id"], {"active": False})
    assert version(api, company_id, eva["id"]) is None
    back = api.update_user(company_id, eva["id"], {"active": True})
    assert back["token_version"] == version(api, company_id, eva["id"]) == 3


def test_a_new_role_password_or_staff_member_bumps_the_version_and_a_new_name_does_not(api, salon, scheduling):
    company_id, _, roles = salon
    eva = add_user(api, company_id, roles["specialist"]["id"], "eva")
    assert api.update_user(company_id, eva["id"], {"name": "Eva M."})["token_version"] == 1
    assert api.update_user(company_id, eva["id"], {"role_id": roles["specialist"]["id"]})["token_version"] == 1
    assert api.update_user(company_id, eva["id"], {"role_id": roles["administrator"]["id"]})["token_version"] == 2
    assert api.update_user(company_id, eva["id"], {"password": "another-one"})["token_version"] == 3
    anna = scheduling.add_staff_member(company_id)
    assert api.update_user(company_id, eva["id"], {"staff_member_id": anna})["token_version"] == 4
    assert api.update_user(company_id, eva["id"], {"staff_member_id": anna})["token_version"] == 4
    assert version(api, company_id, eva["id"]) == 4


def test_new_rights_for_a_role_end_the_sign_ins_of_everyone_holding_it(api, salon):
    company_id, owner, roles = salon
    cashier = api.create_role(company_id, {"name": "Cashier", "rights": ["take_payments"]})
    carl, cleo = (add_user(api, company_id, cashier["id"], name) for name in ("carl", "cleo"))
    eva = add_user(api, company_id, roles["specialist"]["id"], "eva")
    api.update_role(company_id, cashier["id"], {"rights": ["take_payments"]})  # the same rights
    assert [version(api, company_id, user["id"]) for user in (carl, cleo, eva)] == [1, 1, 1]
    api.update_role(company_id, cashier["id"], {"rights": ["take_payments", "export_data"]})
    assert [version(api, company_id, user["id"]) for user in (carl, cleo, eva, owner)] == [2, 2, 1, 1]
    api.update_role(company_id, cashier["id"], {"name": "Till"})
    assert [version(api, company_id, user["id"]) for user in (carl, cleo, eva)] == [3, 3, 1]


def test_an_unknown_or_another_companys_user_has_no_valid_token(api, salon):
    company_id, owner, _ = salon
    other_company = new_company(api)["company"]["id"]
    assert version(api, other_company, owner["id"]) is None
    assert version(api, company_id, owner["id"] + 10_000_000) is None
