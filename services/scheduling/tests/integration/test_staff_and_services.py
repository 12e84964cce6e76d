import pytest
from builders import Salon, new_company
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from salon_infra.errors import InvalidInput, NotFound


@pytest.fixture
def other_salon(api, uow):
    return Salon(api, uow, new_company(api)["company"]["id"])


def test_staff_members(api, salon):
    anna = salon.staff_member("Anna", position="Stylist")
    assert anna == {
        "id": anna["id"],
        "company_id": salon.company_id,
        "name": "Anna",
        "position": "Stylist",
        "active": True,
        "bookable_online": True,
        "in_any_specialist_pool": True,
        "search_interval_minutes": None,
        "display_interval_minutes": None,
        "search_from": None,
        "search_until": None,
        "prepayment": "none",
        "service_ids": [],
    }
    ben = salon.staff_member("Ben", bookable_online=False)
    gone = salon.staff_member("Carl", active=False)
    changed = api.update_staff_member(salon.company_id, anna["id"], {"position": "Colourist"})
    assert changed == {**anna, "position": "Colourist"}
    assert api.get_staff_member(salon.company_id, anna["id"]) == changed

    def names(**filters):
        return [member["name"] for member in api.list_staff(salon.company_id, **filters)]

    assert names() == ["Anna", "Ben"]
    assert names(include_inactive=True) == ["Anna", "Ben", "Carl"]
    assert names(bookable_online=True) == ["Anna"]
    haircut = salon.service("Haircut", staff=[ben["id"], gone["id"]])
    assert names(service_id=haircut["id"]) == ["Ben"]
    assert api.get_staff_member(salon.company_id, ben["id"])["service_ids"] == [haircut["id"]]


def test_services_with_staff_specific_durations(api, salon):
    anna, ben = salon.staff_member("Anna"), salon.staff_member("Ben")
    colour = api.create_service_category(salon.company_id, {"title": "Colour"})
    service = api.create_service(
        salon.company_id,
        {
            "title": "Balayage",
            "category_id": colour["id"],
            "duration_minutes": 120,
            "price_min": 9000,
            "price_max": 15000,
            "staff": [{"staff_member_id": ben["id"], "duration_minutes": 150}, {"staff_member_id": anna["id"]}],
        },
    )
    assert service == {
        "id": service["id"],
        "company_id": salon.company_id,
        "category_id": colour["id"],
        "title": "Balayage",
        "duration_minutes": 120,
        "price_min": 9000,
        "price_max": 15000,
        "active": True,
        "bookable_online": True,
        "search_interval_minutes": None,
        "display_interval_minutes": None,
        "search_from": None,
        "search_until": None,
        "prepayment": "none",
        "group_capacity": None,
        "staff": sorted(
            [
                {"staff_member_id": anna["id"], "duration_minutes": None},
                {"staff_member_id": ben["id"], "duration_minutes": 150},
            ],
            key=lambda assignment: assignment["staff_member_id"],
        ),
    }
    changed = api.update_service(
        salon.company_id, service["id"], {"staff": [{"staff_member_id": ben["id"], "duration_minutes": 135}]}
    )
    assert changed["staff"] == [{"staff_member_id": ben["id"], "duration_minutes": 135}]
    assert api.get_service(salon.company_id, service["id"]) == changed
    assert api.get_staff_member(salon.company_id, anna["id"])["service_ids"] == []
    assert api.list_service_categories(salon.company_id) == [colour]


def test_group_services(api, salon, uow):
    anna = salon.staff_member("Anna")
    yoga = salon.service("Yoga", 60, staff=[anna["id"]], group_capacity=12)
    assert yoga["group_capacity"] == 12 and api.get_service(salon.company_id, yoga["id"]) == yoga
    assert api.update_service(salon.company_id, yoga["id"], {"group_capacity": 500})["group_capacity"] == 500
    assert api.update_service(salon.company_id, yoga["id"], {"title": "Yoga flow"})["group_capacity"] == 500
    assert api.update_service(salon.company_id, yoga["id"], {"group_capacity": None})["group_capacity"] is None
    for capacity in (0, 501, "12"):
        with pytest.raises(InvalidInput) as problem:
            api.update_service(salon.company_id, yoga["id"], {"group_capacity": capacity})
        assert list(problem.value.errors) == ["group_capacity"]
    with pytest.raises(IntegrityError), uow:  # the database holds the same rule
        uow.session.execute(text("UPDATE services SET group_capacity = 0 WHERE id = :id"), {"id": yoga["id"]})


def test_service_rules_name_the_field(api, salon, other_salon):
    stranger = other_salon.staff_member("Stranger")
    their_category = api.create_service_category(other_salon.company_id, {"title": "Theirs"})
    for service, field in [
        ({"title": "X", "duration_minutes": 7, "price_min": 0}, "duration_minutes"),
        ({"title": "X", "duration_minutes": 725, "price_min": 0}, "duration_minutes"),
        ({"title": "X", "duration_minutes": 30, "price_min": 500, "price_max": 400}, "price_max"),
        ({"title": "X", "duration_minutes": 30, "price_min": -1}, "price_min"),
        (
            {"title": "X", "duration_minutes": 30, "price_min": 0, "staff": [{"staff_member_id": stranger["id"]}]},
            "staff",
        ),
        ({"title": "X", "duration_minutes": 30, "price_min": 0, "category_id": their_category["id"]}, "category_id"),
    ]:
        with pytest.raises(InvalidInput) as problem:
            api.create_service(salon.company_id, service)
        assert list(problem.value.errors) == [field], service
    service = salon.service("Cut")
    with pytest.raises(InvalidInput) as problem:
        api.update_service(salon.company_id, service["id"], {"price_max": 100})
    assert list(problem.value.errors) == ["price_max"]
    assert api.get_service(salon.company_id, service["id"])["price_max"] == 3000


def test_list_services(api, salon):
    salon.service("Cut")
    salon.service("Beard", bookable_online=False)
    salon.service("Perm", active=False)

    def titles(**filters):
        return [service["title"] for service in api.list_services(salon.company_id, **filters)]

    assert titles() == ["Beard", "Cut"]
    assert titles(bookable_online=True) == ["Cut"]
    assert titles(include_inactive=True) == ["Beard", "Cut", "Perm"]


def test_a_company_cannot_reach_another_companys_records_by_id(api, salon, other_salon):
    theirs = other_salon.staff_member("Theirs")
    their_service = other_salon.service("Their cut", staff=[theirs["id"]])
    their_category = api.create_service_category(other_salon.company_id, {"title": "Theirs"})
    other_salon.works(theirs["id"])
    ours = salon.company_id
    attempts = [
        lambda: api.get_staff_member(ours, theirs["id"]),
        lambda: api.update_staff_member(ours, theirs["id"], {"name": "Mine now"}),
        lambda: api.get_service(ours, their_service["id"]),
        lambda: api.update_service(ours, their_service["id"], {"title": "Mine now"}),
        lambda: api.update_service_category(ours, their_category["id"], {"title": "Mine now"}),
        lambda: api.get_working_hours(ours, theirs["id"]),
        lambda: api.set_weekly_hours(ours, theirs["id"], []),
        lambda: api.set_date_override(ours, theirs["id"], "2030-01-01", [], []),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(InvalidInput) as problem:
        api.calendar_days(
            ours, {"date_from": "2030-01-01", "date_to": "2030-01-01", "staff_member_ids": [theirs["id"]]}
        )
    assert problem.value.errors == {"staff_member_ids": [f"No staff member {theirs['id']}."]}
    assert api.list_staff(ours, service_id=their_service["id"]) == []
    assert api.list_services(ours) == [] and api.list_service_categories(ours) == []
    assert api.get_staff_member(other_salon.company_id, theirs["id"])["name"] == "Theirs"
    assert api.get_service(other_salon.company_id, their_service["id"])["title"] == "Their cut"
    assert api.get_working_hours(other_salon.company_id, theirs["id"])["weekly"][0]["shifts"] != []


def test_unknown_records(api, salon):
    with pytest.raises(NotFound):
        api.get_staff_member(salon.company_id, 999_999_999)
    with pytest.raises(NotFound):
        api.create_staff_member(999_999_999, {"name": "Nobody's"})
    with pytest.raises(InvalidInput) as problem:
        api.get_staff_member(salon.company_id, "1")
    assert list(problem.value.errors) == ["staff_member_id"]
