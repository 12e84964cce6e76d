import uuid

import pytest
from builders import new_company

from salon_infra.errors import InvalidInput, NotFound
from scheduling.models import Company, OnlineBookingSettings


def test_create_company(api):
    company = new_company(api, slot_step_minutes=30)["company"]
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
    assert api.get_company(company["id"]) == company


def test_a_signup_key_makes_one_company_however_often_it_comes(api):
    key = uuid.uuid4().hex
    first = new_company(api, signup_key=key)["company"]
    assert new_company(api, signup_key=key, name="Another name")["company"] == first
    assert new_company(api)["company"]["id"] != first["id"]


def test_a_signup_that_could_not_finish_discards_its_company(api, uow):
    key = uuid.uuid4().hex
    company = new_company(api, signup_key=key)["company"]
    api.update_online_booking_settings(company["id"], {"buffer_minutes": 30})
    assert api.discard_company(key) == {"discarded": True}
    with pytest.raises(NotFound):
        api.get_company(company["id"])
    with uow:
        assert uow.session.get(OnlineBookingSettings, company["id"]) is None
    assert api.discard_company(key) == {"discarded": False}  # again: nothing left to do
    assert api.discard_company(uuid.uuid4().hex) == {"discarded": False}
    with pytest.raises(InvalidInput) as problem:
        api.discard_company(None)
    assert list(problem.value.errors) == ["signup_key"]


def test_a_company_in_use_is_never_discarded(api, uow):
    key = uuid.uuid4().hex
    company = new_company(api, signup_key=key)["company"]
    api.create_staff_member(company["id"], {"name": "Anna"})
    with pytest.raises(Exception, match="in use"):
        api.discard_company(key)
    with uow:
        assert uow.session.get(Company, company["id"]) is not None


def test_identity_high_water_is_zero_on_a_database_that_never_had_users(api):
    assert api.identity_high_water() == {"roles": 0, "users": 0}


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


def test_update_company(api, company):
    changed = api.update_company(company["id"], {"timezone": "America/New_York", "slot_step_minutes": 10})
    assert changed == {**company, "timezone": "America/New_York", "slot_step_minutes": 10}
    with pytest.raises(InvalidInput):
        api.update_company(company["id"], {"id": 5})
    with pytest.raises(NotFound):
        api.update_company(company["id"] + 1000000, {"name": "Other"})
