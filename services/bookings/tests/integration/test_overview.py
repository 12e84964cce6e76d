"""Overview > Bookings on PostgreSQL: every filter, alone and combined, keyset pages and cursors."""

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update
from tests.integration import act as handlers
from tests.integration.rpc import rpc
from tests.integration.test_handlers import MONDAY_10, SECRET, STAFF_ACTOR, booking

from bookings.handlers import settings
from bookings.models import Appointment
from bookings.schemas import OverviewQuerySchema
from salon_infra.errors import InvalidInput
from salon_infra.validation import load

JANUARY = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
ANNA = {"name": "Anna Kowalska", "phone": "+48601234567"}
BOB = {"name": "Bob Marley", "phone": "+4917011122233"}
ANNA_LENA = {"name": "anna-lena Smith", "phone": "+441234567890"}
ZOE = {"name": "Zoe 50%_off", "phone": None}


def category_of(uow, company_id, title):
    """The company's appointment category of this title, made on first use."""
    found = {category.title: category.id for category in settings.list_categories(uow, company_id)}
    return found.get(title) or settings.create_category(uow, company_id, title, "#123456").id


def make(uow, scheduling, company_id, *, created_at, client=None, category=None, by=STAFF_ACTOR, **kwargs):
    category_id = category_of(uow, company_id, category) if category else None
    command = {**booking(**kwargs), "client": client, "category_id": category_id, "created_by": by}
    appointment = handlers.create_appointment(
        uow, scheduling.quote_appointment, SECRET, company_id, command
    ).appointment
    set_created_at(uow, appointment.id, created_at)
    return appointment.id


def set_created_at(uow, appointment_id, created_at):
    with uow:
        uow.session.execute(update(Appointment).where(Appointment.id == appointment_id).values(created_at=created_at))
        uow.commit()


def without_services(uow, company_id, *, created_at, starts_at):
    """As an import or an administrator may leave it: an appointment with no service lines."""
    with uow:
        appointment = Appointment(
            company_id=company_id, client_id=77, client_name="Imported Ida", client_phone="+15550001111",
            staff_member_id=7, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=15), comment="",
            source="import", created_by_kind="user", created_by_id=3, visit_status="pending", created_at=created_at,
            services=[],
        )  # fmt: skip
        uow.session.add(appointment)
        uow.commit()
    return appointment.id


@pytest.fixture
def salon(uow, scheduling, company_id):
    """Six bookings of one company, one of each kind, created a day apart."""
    day = timedelta(days=1)
    b = SimpleNamespace()
    b.anna = make(uow, scheduling, company_id, created_at=JANUARY, client=ANNA, category="VIP")
    b.bob = make(
        uow, scheduling, company_id, created_at=JANUARY + day, client=BOB, staff=(6,), services=(2,),
        starts_at=MONDAY_10 + day, source="widget", by={"kind": "client", "id": 12},
    )  # fmt: skip
    b.anna_lena = make(
        uow, scheduling, company_id, created_at=JANUARY + 2 * day, client=ANNA_LENA, services=(3,),
        starts_at=MONDAY_10 + 2 * day, source="api", category="regular",
    )  # fmt: skip
    handlers.cancel_appointment(uow, company_id, b.anna_lena, STAFF_ACTOR)
    b.zoe = make(
        uow, scheduling, company_id, created_at=JANUARY + 3 * day, client=ZOE, staff=(6,), services=(1, 2),
        starts_at=MONDAY_10 + 3 * day, source="mobile", by={"kind": "user", "id": 2},
    )  # fmt: skip
    handlers.copy_bill(uow, company_id, b.zoe, 5000)
    with uow:
        uow.session.execute(update(Appointment).where(Appointment.id == b.zoe).values(visit_status="arrived"))
        uow.commit()
    b.imported = without_services(uow, company_id, created_at=JANUARY + 4 * day, starts_at=MONDAY_10 + 4 * day)
    b.deleted = make(uow, scheduling, company_id, created_at=JANUARY + 5 * day, starts_at=MONDAY_10 + 5 * day)
    handlers.delete_appointments(
        uow,
        company_id,
        {"appointment_ids": [b.deleted], "actor": STAFF_ACTOR, "may_delete_paid": False, "may_delete_arrived": False},
    )
    make(uow, scheduling, company_id + 1, created_at=JANUARY, client=ANNA)  # another salon's Anna
    return b


def overview(uow, company_id, **query) -> dict:
    """Through the RPC method itself (validation, handler, dump), as JSON would carry it."""
    page = rpc(uow).list_overview(company_id, query)
    return json.loads(json.dumps(page))


def ids(uow, company_id, **query) -> list[int]:
    return [row["id"] for row in overview(uow, company_id, **query)["rows"]]


def test_every_booking_is_listed_newest_first_deleted_ones_marked(uow, company_id, salon):
    page = overview(uow, company_id)
    s = salon
    assert [row["id"] for row in page["rows"]] == [s.deleted, s.imported, s.zoe, s.anna_lena, s.bob, s.anna]
    assert page["next_cursor"] is None
    rows = {row["id"]: row for row in page["rows"]}
    assert [rows[i]["state"] for i in (s.anna, s.anna_lena, s.deleted)] == ["booked", "cancelled", "deleted"]
    assert rows[s.deleted]["deleted_by_id"] == STAFF_ACTOR["id"] and rows[s.deleted]["deleted_at"]
    assert rows[s.anna] == {
        "id": s.anna,
        "created_at": JANUARY.isoformat(),
        "created_by": STAFF_ACTOR,
        "source": "admin",
        "staff_member_id": 5,
        "services": [
            {
                "service_id": 1,
                "title": "Service 1",
                "price": 2500,
                "quantity": 1,
                "discount": 0,
                "subtotal": 2500,
                "total": 2500,
                "category_id": 100,
            }
        ],
        "client_id": 11,
        "client_name": "Anna Kowalska",
        "client_phone": "+48601234567",
        "starts_at": MONDAY_10.isoformat(),
        "ends_at": (MONDAY_10 + timedelta(hours=1)).isoformat(),
        "visit_status": "pending",
        "payment_status": "not_paid",
        "paid_amount": 0,
        "total_price": 2500,
        "discount": 0,
        "state": "booked",
        "deleted_at": None,
        "deleted_by_id": None,
        "cancelled_at": None,
        "category_id": category_of(uow, company_id, "VIP"),
        "group_event_id": None,
        "comment": "",
    }
    assert rows[s.zoe]["total_price"] == 5000 and rows[s.zoe]["payment_status"] == "paid"
    assert [line["service_id"] for line in rows[s.zoe]["services"]] == [1, 2]
    assert rows[s.imported]["services"] == [] and rows[s.imported]["total_price"] == 0


def at(days: float) -> str:
    return (JANUARY + timedelta(days=days)).isoformat()


def visit(days: float) -> str:
    return (MONDAY_10 + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"created_from": at(1), "created_to": at(3)}, ["bob", "anna_lena"]),
        ({"created_from": at(4)}, ["imported", "deleted"]),
        ({"created_to": at(0.5)}, ["anna"]),
        ({"visit_from": visit(3), "visit_to": visit(5)}, ["zoe", "imported"]),
        ({"visit_to": visit(1)}, ["anna"]),
        ({"staff_member_ids": [6, 7]}, ["bob", "zoe", "imported"]),
        ({"created_by_user_id": 2}, ["zoe"]),
        ({"created_by_user_id": 12}, []),  # the client 12 is not a user
        ({"cancelled": "cancelled"}, ["anna_lena"]),
        ({"cancelled": "not_cancelled"}, ["anna", "bob", "zoe", "imported", "deleted"]),
        ({"visit_statuses": ["arrived", "confirmed"]}, ["zoe"]),
        ({"visit_statuses": ["pending"]}, ["anna", "bob", "anna_lena", "imported", "deleted"]),
        ({"client": "ANNA"}, ["anna", "anna_lena"]),
        ({"client": "kowal"}, ["anna"]),
        ({"client": "  marley "}, ["bob"]),
        ({"client": "50%_"}, ["zoe"]),  # wildcards are text here
        ({"client": "%"}, ["zoe"]),
        ({"client": "1234567"}, ["anna", "anna_lena"]),
        ({"client": "+49 170 111"}, ["bob"]),
        ({"client": "(601) 234-56"}, ["anna"]),
        ({"client": "Ida"}, ["imported"]),
        ({"client": "nobody"}, []),
        ({"service_category_ids": [200]}, ["bob", "zoe"]),
        ({"service_category_ids": [100, 200]}, ["anna", "bob", "zoe", "deleted"]),
        ({"service_category_ids": [999]}, []),
        ({"category_ids": ["VIP", "regular"]}, ["anna", "anna_lena"]),
        ({"source": "online"}, ["bob", "anna_lena"]),
        ({"source": "offline"}, ["anna", "zoe", "imported", "deleted"]),
        ({"paid": "paid_in_full"}, ["zoe", "imported"]),  # nothing to pay is paid in full
        ({"paid": "not_paid_in_full"}, ["anna", "bob", "anna_lena", "deleted"]),
        ({"services": "without"}, ["imported"]),
        ({"services": "with"}, ["anna", "bob", "anna_lena", "zoe", "deleted"]),
    ],
)
def test_each_filter(uow, company_id, salon, query, expected):
    query = by_category_ids(uow, company_id, query)
    assert ids(uow, company_id, sort="created_at", direction="asc", **query) == [getattr(salon, n) for n in expected]


def by_category_ids(uow, company_id, query: dict) -> dict:
    """The categories named by title in a case's query, by their ids."""
    if "category_ids" not in query:
        return query
    return {**query, "category_ids": [category_of(uow, company_id, title) for title in query["category_ids"]]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"client": "anna", "cancelled": "not_cancelled"}, ["anna"]),
        ({"source": "offline", "paid": "not_paid_in_full", "services": "with"}, ["anna", "deleted"]),
        ({"staff_member_ids": [6], "service_category_ids": [100], "visit_statuses": ["arrived"]}, ["zoe"]),
        ({"created_from": at(1), "visit_to": visit(4), "source": "online", "category_ids": ["VIP"]}, []),
        ({"created_from": at(0), "created_to": at(6), "visit_from": visit(0), "client": "+4"},
         ["anna", "bob", "anna_lena"]),
    ],
)  # fmt: skip
def test_filters_combine(uow, company_id, salon, query, expected):
    query = by_category_ids(uow, company_id, query)
    assert ids(uow, company_id, sort="created_at", direction="asc", **query) == [getattr(salon, n) for n in expected]


@pytest.mark.parametrize("sort", ["created_at", "starts_at"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_keyset_pages_walk_the_whole_list_once(uow, scheduling, company_id, sort, direction):
    made = []
    for n in range(23):
        # Several share a creation instant and visits run backwards, so ties and both orders are exercised.
        created_at = JANUARY + timedelta(hours=n // 3)
        made.append(make(uow, scheduling, company_id, created_at=created_at, starts_at=MONDAY_10 - timedelta(hours=n)))
    with uow:
        stored = {a.id: a for a in uow.session.scalars(select(Appointment).where(Appointment.company_id == company_id))}
    expected = sorted(made, key=lambda i: (getattr(stored[i], sort), i), reverse=direction == "desc")

    seen, cursor, pages = [], None, 0
    while True:
        page = overview(uow, company_id, sort=sort, direction=direction, limit=5, cursor=cursor)
        seen += [row["id"] for row in page["rows"]]
        pages += 1
        if not (cursor := page["next_cursor"]):
            break
    assert seen == expected and pages == 5


def test_a_full_last_page_has_no_next_cursor(uow, scheduling, company_id):
    for n in range(4):
        make(
            uow,
            scheduling,
            company_id,
            created_at=JANUARY + timedelta(hours=n),
            starts_at=MONDAY_10 + timedelta(hours=n),
        )
    first = overview(uow, company_id, limit=2)
    second = overview(uow, company_id, limit=2, cursor=first["next_cursor"])
    assert len(second["rows"]) == 2 and second["next_cursor"] is None


def _cursor(position) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "%%%%",
        _cursor(["a list"]),
        _cursor({"sort": "starts_at", "direction": "desc", "after": "2027-01-10T09:00:00+00:00", "id": 1}),
        _cursor({"sort": "created_at", "direction": "asc", "after": "2027-01-10T09:00:00+00:00", "id": 1}),
        _cursor({"sort": "created_at", "direction": "desc", "after": "2027-01-10T09:00:00", "id": 1}),
        _cursor({"sort": "created_at", "direction": "desc", "after": "yesterday", "id": 1}),
        _cursor({"sort": "created_at", "direction": "desc", "after": "2027-01-10T09:00:00+00:00", "id": "1"}),
        _cursor({"sort": "created_at", "direction": "desc", "after": "2027-01-10T09:00:00+00:00", "id": 2**63}),
        _cursor({"sort": "created_at", "direction": "desc", "after": "2027-01-10T09:00:00+00:00"}),
    ],
)
def test_a_bad_cursor_is_invalid_input_on_cursor(uow, company_id, cursor):
    with pytest.raises(InvalidInput) as refused:
        overview(uow, company_id, sort="created_at", direction="desc", cursor=cursor)
    assert list(refused.value.errors) == ["cursor"]


def test_a_cursor_only_moves_within_the_callers_company(uow, company_id, salon):
    first = overview(uow, company_id, limit=2)
    elsewhere = ids(uow, company_id + 1, cursor=first["next_cursor"])
    assert elsewhere == ids(uow, company_id + 1) and len(elsewhere) == 1
    assert elsewhere[0] not in vars(salon).values()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"sort": "price"}, "sort"),
        ({"source": "phone"}, "source"),
        ({"visit_statuses": ["late"]}, "visit_statuses"),
        ({"created_from": "2027-01-02T00:00:00Z", "created_to": "2027-01-01T00:00:00Z"}, "created_to"),
        ({"visit_from": "2027-01-02T00:00:00"}, "visit_from"),  # no offset: not an instant
        ({"staff_member_ids": [0]}, "staff_member_ids"),
    ],
)
def test_bad_queries_name_the_field(query, field):
    with pytest.raises(InvalidInput) as refused:
        load(OverviewQuerySchema(), query)
    assert list(refused.value.errors) == [field]
