"""Staff working an appointment through the RPC methods: service lines, length, status, category,
colour and extra fields, on PostgreSQL; every change one event with the new lines, nothing half-written."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from tests.integration.rpc import rpc
from tests.integration.test_handlers import MONDAY_10, STAFF_ACTOR

from bookings.exceptions import SlotTaken, StaleVersion
from salon_infra.errors import InvalidInput, NotFound
from salon_infra.outbox import outbox_table


@pytest.fixture
def service(uow, scheduling):
    return rpc(uow, scheduling)


def book(service, company_id, services=(1,), starts_at=MONDAY_10, staff=5, **more) -> dict:
    booking = {
        "client_id": 11,
        "client": {"name": "Mia", "phone": "+4915100000001"},
        "staff_member_ids": [staff],
        "service_ids": list(services),
        "starts_at": starts_at.isoformat(),
        "source": "admin",
        "created_by": STAFF_ACTOR,
        **more,
    }
    return service.create_appointment(company_id, booking)["appointment"]


def events_of(uow, record_id, kind="appointment") -> list[dict]:
    """The outbox's events about one appointment (or group_event, break), oldest first."""
    with uow:
        bodies = uow.session.scalars(select(outbox_table.c.body).order_by(outbox_table.c.id)).all()
    found = [json.loads(body) for body in bodies]
    return [m for m in found if m["data"].get(kind, {}).get("id") == record_id]


def edit(service, company_id, appointment, **changes) -> dict:
    return service.edit_appointment(company_id, appointment["id"], {"actor": STAFF_ACTOR, **changes})


def test_staff_change_price_discount_and_quantity_and_the_totals_follow(service, uow, company_id):
    booked = book(service, company_id, services=(1, 2))
    [cut, wash] = booked["services"]
    edited = edit(
        service, company_id, booked,
        services=[
            {"id": cut["id"], "price": 4000, "discount": {"percent": 12.5}},
            {"id": wash["id"], "quantity": 3, "discount": {"amount": 500}},
        ],
    )  # fmt: skip
    lines = [(line["price"], line["quantity"], line["discount"], line["total"]) for line in edited["services"]]
    assert lines == [(4000, 1, 500, 3500), (2500, 3, 500, 7000)]
    assert edited["services"][0]["discount_percent"] == 12.5 and edited["services"][1]["discount_percent"] is None
    assert (edited["total_price"], edited["discount"], edited["due"], edited["version"]) == (10500, 1000, 10500, 2)
    assert edited["ends_at"] == booked["ends_at"]  # same lines, same length
    changed = events_of(uow, booked["id"])[-1]
    assert changed["event_type"] == "appointment_changed" and changed["data"]["changes"] == ["services"]
    assert [line["total"] for line in changed["data"]["appointment"]["services"]] == [3500, 7000]
    assert changed["data"]["appointment"]["total_price"] == 10500


def test_adding_and_removing_services_fits_the_length_unless_one_is_given(service, company_id):
    booked = book(service, company_id)
    [cut] = booked["services"]
    edited = edit(service, company_id, booked, services=[{"id": cut["id"]}, {"service_id": 2, "quantity": 2}])
    assert [(line["service_id"], line["total"]) for line in edited["services"]] == [(1, 2500), (2, 5000)]
    assert edited["ends_at"] == (MONDAY_10 + timedelta(minutes=90)).isoformat()
    shorter = edit(service, company_id, edited, services=[{"id": edited["services"][1]["id"]}], length_minutes=20)
    assert [line["service_id"] for line in shorter["services"]] == [2]
    assert shorter["ends_at"] == (MONDAY_10 + timedelta(minutes=20)).isoformat() and shorter["total_price"] == 5000


def test_a_bad_edit_names_the_field_and_writes_nothing(service, scheduling, uow, company_id):
    scheduling.not_performing[5] = {3}
    booked = book(service, company_id)
    [cut] = booked["services"]
    with pytest.raises(InvalidInput) as refused:
        edit(
            service, company_id, booked,
            services=[{"id": cut["id"], "price": 100, "discount": {"amount": 101}}, {"service_id": 3},
                      {"service_id": 999}],
        )  # fmt: skip
    assert refused.value.errors == {
        "services": {
            "0": {"discount.amount": ["Must be between 0 and the line's 100."]},
            "1": {"service_id": ["This staff member does not perform this service."]},
            "2": {"service_id": ["This staff member does not perform this service."]},
        }
    }
    for changes, field in (
        ({"services": [{"id": cut["id"], "quantity": 0}]}, "services"),
        ({"services": [{"id": cut["id"], "price": -5}]}, "services"),
        ({"services": [{"id": cut["id"], "discount": {"percent": 100.5}}]}, "services"),
        ({"services": [{"id": cut["id"], "discount": {"percent": 10, "amount": 5}}]}, "services"),
        ({"length_minutes": 0}, "length_minutes"),
        ({"colour": "red"}, "colour"),
        ({"category_id": 424242}, "category_id"),
    ):
        with pytest.raises(InvalidInput) as refused:
            edit(service, company_id, booked, **changes)
        assert field in refused.value.errors
    assert service.get_appointment(company_id, booked["id"]) == booked
    assert [event["event_type"] for event in events_of(uow, booked["id"])] == ["appointment_created"]


def test_a_longer_appointment_may_not_run_into_the_next(service, company_id):
    booked = book(service, company_id)
    book(service, company_id, starts_at=MONDAY_10 + timedelta(hours=1))
    with pytest.raises(SlotTaken) as refused:
        edit(service, company_id, booked, length_minutes=61)
    assert "length_minutes" in refused.value.errors
    assert service.get_appointment(company_id, booked["id"])["ends_at"] == booked["ends_at"]
    assert edit(service, company_id, booked, length_minutes=60)["version"] == 1  # nothing changed: no new version


def test_an_edit_from_a_stale_version_is_refused(service, company_id):
    booked = book(service, company_id)
    edit(service, company_id, booked, comment="first")
    with pytest.raises(StaleVersion):
        edit(service, company_id, booked, comment="second", version=booked["version"])


def test_visit_status_records_who_and_when_and_is_one_event(service, uow, company_id):
    booked = book(service, company_id)
    arrived = service.set_visit_status(company_id, booked["id"], {"visit_status": "arrived", "actor": STAFF_ACTOR})
    assert arrived["visit_status"] == "arrived" and arrived["visit_status_changed_by"] == STAFF_ACTOR
    assert arrived["visit_status_changed_at"]
    again = service.set_visit_status(company_id, booked["id"], {"visit_status": "arrived", "actor": STAFF_ACTOR})
    assert again["version"] == arrived["version"]
    changed = [e for e in events_of(uow, booked["id"]) if e["event_type"] == "appointment_changed"]
    assert [(e["data"]["changes"], e["data"]["appointment"]["visit_status"]) for e in changed] == [
        (["visit_status"], "arrived")
    ]
    with pytest.raises(InvalidInput, match="visit_status"):
        service.set_visit_status(company_id, booked["id"], {"visit_status": "expected", "actor": STAFF_ACTOR})
    with pytest.raises(NotFound):
        service.set_visit_status(company_id + 1, booked["id"], {"visit_status": "no_show", "actor": STAFF_ACTOR})


def test_categories_are_the_companys_own_and_a_deleted_one_leaves_its_appointments(service, company_id):
    important = service.create_category(company_id, {"title": "Team member is important", "colour": "#aa3300"})
    with pytest.raises(InvalidInput, match="title"):
        service.create_category(company_id, {"title": "Team member is important", "colour": "#000000"})
    assert service.create_category(company_id + 1, {"title": "Team member is important", "colour": "#000000"})
    booked = book(service, company_id, category_id=important["id"], colour="#00ff00")
    assert (booked["category_id"], booked["colour"]) == (important["id"], "#00ff00")
    with pytest.raises(InvalidInput, match="category_id"):
        book(service, company_id + 1, category_id=important["id"])  # another salon's category
    renamed = service.update_category(company_id, important["id"], {"colour": "#112233"})
    assert renamed == {"id": important["id"], "title": "Team member is important", "colour": "#112233"}
    service.delete_category(company_id, important["id"])
    assert service.get_appointment(company_id, booked["id"])["category_id"] is None
    assert [c["title"] for c in service.list_categories(company_id)] == []
    cleared = edit(service, company_id, booked, colour=None)
    assert cleared["colour"] is None


def test_extra_fields_are_checked_by_type_and_kept_with_the_appointment(service, company_id):
    for field in (
        {"code": "car_number", "title": "Car number", "type": "text", "required": True},
        {"code": "age", "title": "Age", "type": "number"},
        {"code": "hair", "title": "Hair type", "type": "select", "options": ["straight", "curly"]},
        {"code": "patch_test", "title": "Patch test on", "type": "date"},
    ):
        service.create_extra_field(company_id, field)
    with pytest.raises(InvalidInput, match="code"):
        service.create_extra_field(company_id, {"code": "age", "title": "Again", "type": "text"})
    with pytest.raises(InvalidInput, match="options"):
        service.create_extra_field(company_id, {"code": "mood", "title": "Mood", "type": "select"})
    with pytest.raises(InvalidInput) as refused:
        book(service, company_id, extra_fields={"age": "forty", "hair": "wavy", "patch_test": "31.12.2026", "x": 1})
    assert refused.value.errors == {
        "extra_fields": {
            "age": ["Must be a number."],
            "hair": ["Must be one of: straight, curly."],
            "patch_test": ["Must be a date, YYYY-MM-DD."],
            "x": ["No such extra field."],
            "car_number": ["This field is required."],
        }
    }
    booked = book(service, company_id, extra_fields={"car_number": " B-XY 123 ", "age": 41, "patch_test": "2027-05-01"})
    assert booked["extra_fields"] == {"car_number": "B-XY 123", "age": 41, "patch_test": "2027-05-01"}
    edited = edit(service, company_id, booked, extra_fields={"age": None, "hair": "curly"})
    assert edited["extra_fields"] == {"car_number": "B-XY 123", "patch_test": "2027-05-01", "hair": "curly"}
    with pytest.raises(InvalidInput, match="car_number") as refused:
        edit(service, company_id, booked, extra_fields={"car_number": ""})
    assert refused.value.errors == {"extra_fields": {"car_number": ["This field is required."]}}
    service.update_extra_field(company_id, "car_number", {"required": False})
    assert [f["code"] for f in service.list_extra_fields(company_id)] == ["car_number", "age", "hair", "patch_test"]
    service.delete_extra_field(company_id, "hair")
    with pytest.raises(NotFound):
        service.delete_extra_field(company_id, "hair")
