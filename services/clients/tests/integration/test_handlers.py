from concurrent.futures import ThreadPoolExecutor

import pytest

from clients import handlers
from clients.models import Client
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound


def test_one_card_per_phone_whatever_its_spelling(uow, company_id):
    first = handlers.find_or_create_client(uow, company_id, "0151 23456789", "Anna", default_region="DE")
    again = handlers.find_or_create_client(uow, company_id, "+49 151 234 567 89", "Anna S.")
    assert again.id == first.id and again.phone == "+4915123456789"
    assert again.name == "Anna"  # an existing card keeps its name


def test_the_same_phone_in_another_company_is_another_client(uow, company_id):
    ours = handlers.find_or_create_client(uow, company_id, "+4915123456789", "Anna")
    theirs = handlers.find_or_create_client(uow, company_id + 1, "+4915123456789", "Anna")
    assert ours.id != theirs.id
    with pytest.raises(NotFound):
        handlers.get_client(uow, company_id + 1, ours.id)


def test_email_is_filled_in_only_where_missing(uow, company_id):
    handlers.find_or_create_client(uow, company_id, "+4915123456780", "Ben")
    filled = handlers.find_or_create_client(uow, company_id, "+4915123456780", "Ben", email="ben@example.com")
    kept = handlers.find_or_create_client(uow, company_id, "+4915123456780", "Ben", email="other@example.com")
    assert filled.email == kept.email == "ben@example.com"


def test_concurrent_first_bookings_make_one_card(sessions, company_id):
    def create(_):
        return handlers.find_or_create_client(UnitOfWork(sessions), company_id, "+4915100000001", "Cara").id

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(create, range(16)))
    assert len(ids) == 1


def test_an_invalid_phone_names_the_field(uow, company_id):
    with pytest.raises(InvalidInput) as problem:
        handlers.find_or_create_client(uow, company_id, "12", "Dan", default_region="DE")
    assert list(problem.value.errors) == ["phone"]


def test_search_by_name_or_phone_digits(uow, company_id):
    anna = handlers.find_or_create_client(uow, company_id, "+4915111111111", "Anna Schmidt")
    handlers.find_or_create_client(uow, company_id, "+4915122222222", "Bernd")
    handlers.find_or_create_client(uow, company_id + 1, "+4915133333333", "Anna Other")
    assert [c.id for c in handlers.search_clients(uow, company_id, "schmi")] == [anna.id]
    assert [c.id for c in handlers.search_clients(uow, company_id, "1111 111")] == [anna.id]
    assert handlers.search_clients(uow, company_id, "100%") == []
    assert [c.id for c in handlers.search_clients(uow, company_id, "0151 1111", default_region="DE")] == [anna.id]
    assert handlers.search_clients(uow, company_id, "0151 1111") == []  # no region: only the digits as typed


def test_get_clients_returns_only_the_companys(uow, company_id):
    ours = handlers.find_or_create_client(uow, company_id, "+4915144444444", "E")
    theirs = handlers.find_or_create_client(uow, company_id + 1, "+4915155555555", "F")
    assert [c.id for c in handlers.get_clients(uow, company_id, [ours.id, theirs.id])] == [ours.id]
    assert [card["id"] for card in handlers.client_cards(uow, company_id, [ours.id, theirs.id])] == [ours.id]


def test_update_client(uow, company_id):
    client = handlers.find_or_create_client(uow, company_id, "+4915166666666", "G")
    handlers.update_client(uow, company_id, client.id, {"name": "Gina", "email": "g@example.com"})
    assert handlers.get_client(uow, company_id, client.id).name == "Gina"
    with pytest.raises(NotFound):
        handlers.update_client(uow, company_id + 1, client.id, {"name": "X"})


def test_migrations_match_the_models(database_url):
    from salon_infra.testing import schema_drift

    assert schema_drift(database_url, Client.metadata) == []


def test_last_and_middle_names_are_kept_like_the_email(uow, company_id):
    created = handlers.find_or_create_client(uow, company_id, "+4915123456781", "Olga", last_name="Ivanova")
    again = handlers.find_or_create_client(
        uow, company_id, "+4915123456781", "Olga", last_name="Petrova", middle_name="Sergeevna"
    )
    assert (again.id, again.last_name, again.middle_name) == (created.id, "Ivanova", "Sergeevna")


def test_a_device_is_remembered_once_and_follows_its_last_client(uow, company_id):
    anna = handlers.find_or_create_client(uow, company_id, "+4915123456782", "Anna")
    ben = handlers.find_or_create_client(uow, company_id, "+4915123456783", "Ben")
    assert handlers.remember_device(uow, company_id, anna.id, "device-token-1") == ["device-token-1"]
    assert handlers.remember_device(uow, company_id, anna.id, "device-token-1") == ["device-token-1"]
    assert handlers.remember_device(uow, company_id, ben.id, "device-token-1") == ["device-token-1"]
    assert handlers.client_devices(uow, company_id, anna.id) == []
    with pytest.raises(NotFound):
        handlers.remember_device(uow, company_id + 1, anna.id, "device-token-2")


def test_a_phone_is_normalised_or_refused_by_field():
    assert handlers.normalised_phone("0151 23456789", "DE") == "+4915123456789"
    with pytest.raises(InvalidInput) as refused:
        handlers.normalised_phone("12", "DE")
    assert "phone" in refused.value.errors


def test_many_clients_at_once_reuse_cards_and_keep_the_order(uow, company_id):
    known = handlers.find_or_create_client(uow, company_id, "+4915123456790", "Known")
    found = handlers.find_or_create_clients(
        uow,
        company_id,
        [
            {"phone": "0151 23456791", "name": "New"},
            {"phone": "+49 151 23456790", "name": "Other"},
            {"phone": "+4915123456791", "name": "Again"},
        ],
        "DE",
    )
    assert [client.phone for client in found] == ["+4915123456791", "+4915123456790", "+4915123456791"]
    assert found[1].id == known.id and found[1].name == "Known" and found[0].id == found[2].id


def test_many_clients_with_a_bad_phone_write_nothing(uow, company_id):
    with pytest.raises(InvalidInput) as refused:
        handlers.find_or_create_clients(
            uow, company_id, [{"phone": "+4915123456792", "name": "A"}, {"phone": "12", "name": "B"}], "DE"
        )
    assert list(refused.value.errors["clients"]) == ["1"]
    assert handlers.search_clients(uow, company_id, "23456792") == []
    answers = handlers.normalised_phones(["0151 23456792", "12"], "DE")
    assert answers[0] == {"phone": "+4915123456792", "error": None} and answers[1]["phone"] is None


def test_an_unauthenticated_booking_never_changes_an_existing_card(uow, company_id):
    card = handlers.find_or_create_client(uow, company_id, "+4915166666666", "Olga")
    again = handlers.find_or_create_client(
        uow, company_id, "+4915166666666", "Mallory", email="mallory@example.com", last_name="X", fill_in=False
    )
    assert (again.id, again.name, again.email, again.last_name) == (card.id, "Olga", None, None)
    new = handlers.find_or_create_client(uow, company_id, "+4915177777777", "Nina", email="nina@example.com",
                                         fill_in=False)  # fmt: skip
    assert (new.name, new.email) == ("Nina", "nina@example.com")  # a new card takes what the client typed
