import pytest
from builders import new_company

from salon_infra.errors import AuthenticationFailed, InvalidInput, NotFound


def test_create_company_with_its_owner(api):
    created = new_company(api, slot_step_minutes=30)
    company, user = created["company"], created["user"]
    assert company == {
        "id": company["id"],
        "name": "Salon Olga",
        "timezone": "Europe/Berlin",
        "currency": "EUR",
        "country": "DE",
        "slot_step_minutes": 30,
        "last_name_field_enabled": False,
        "middle_name_field_enabled": False,
    }
    assert user["company_id"] == company["id"] and user["role"] == "owner" and user["staff_member_id"] is None
    assert user["email"] == user["email"].lower() and "password" not in user
    assert api.get_company(company["id"]) == company


def test_authenticate(api):
    created = new_company(api)
    company_id, email = created["company"]["id"], created["user"]["email"]
    assert api.authenticate(company_id, email.upper(), "correct horse") == created["user"]
    for company, address, password in [
        (company_id, email, "wrong horse"),
        (company_id, "nobody@example.com", "correct horse"),
        (company_id + 1000000, email, "correct horse"),
    ]:
        with pytest.raises(AuthenticationFailed) as failure:
            api.authenticate(company, address, password)
        assert str(failure.value) == "wrong email or password"


def test_an_inactive_user_cannot_log_in(api, uow):
    from scheduling.models import User

    created = new_company(api)
    with uow:
        uow.session.get(User, created["user"]["id"]).active = False
        uow.commit()
    with pytest.raises(AuthenticationFailed, match="wrong email or password"):
        api.authenticate(created["company"]["id"], created["user"]["email"], "correct horse")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Europe/Nowhere"),
        ("timezone", "../etc/passwd"),
        ("currency", "eur"),
        ("country", "XX"),
        ("slot_step_minutes", 25),
        ("name", ""),
    ],
)
def test_company_profile_rules_name_the_field(api, field, value):
    with pytest.raises(InvalidInput) as problem:
        new_company(api, **{field: value})
    assert list(problem.value.errors) == ["company"] and list(problem.value.errors["company"]) == [field]


def test_a_short_password_is_refused(api):
    company = {"name": "S", "timezone": "UTC", "currency": "EUR", "country": "DE"}
    with pytest.raises(InvalidInput) as problem:
        api.create_company(company, {"name": "O", "email": "o@example.com", "password": "short"})
    assert problem.value.errors == {"owner": {"password": ["Length must be between 8 and 200."]}}


def test_update_company(api, company):
    changed = api.update_company(company["id"], {"timezone": "America/New_York", "slot_step_minutes": 10})
    assert changed == {**company, "timezone": "America/New_York", "slot_step_minutes": 10}
    with pytest.raises(InvalidInput):
        api.update_company(company["id"], {"id": 5})
    with pytest.raises(NotFound):
        api.update_company(company["id"] + 1000000, {"name": "Other"})
