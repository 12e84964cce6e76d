from imports.domain.catalogue import Catalogue


def test_knows_ids_and_names():
    staff = Catalogue({11: "Maria Petrova", 12: "Ivan Sidorov"})
    assert 11 in staff and 13 not in staff
    assert staff.name_of(12) == "Ivan Sidorov"
    assert staff.ids_named("  maria   PETROVA") == [11]
    assert staff.ids_named("Maria") == []
    assert staff.is_named(11, "MARIA PETROVA") and not staff.is_named(12, "Maria Petrova")


def test_finds_every_id_of_a_shared_name():
    services = Catalogue({3: "Haircut", 1: "haircut", 2: "Shave"})
    assert services.ids_named("Haircut") == [1, 3]
