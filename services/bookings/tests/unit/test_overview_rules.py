from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bookings.domain.appointments import OFFLINE_SOURCES, ONLINE_SOURCES, SOURCES, deletion_problem
from bookings.overview import PageRequest, decode_cursor, encode_cursor

RIGHTS = {"may_delete_paid": False, "may_delete_arrived": False}


def appointment(paid_amount=0, visit_status="pending", deleted_at=None):
    return SimpleNamespace(paid_amount=paid_amount, visit_status=visit_status, deleted_at=deleted_at)


def test_who_may_delete_what():
    assert deletion_problem(appointment(), **RIGHTS) is None
    assert deletion_problem(None, **RIGHTS) == "not found"
    assert deletion_problem(appointment(deleted_at=datetime.now(UTC), paid_amount=5), **RIGHTS) == "already deleted"
    assert deletion_problem(appointment(paid_amount=1), **RIGHTS).startswith("paid")
    assert deletion_problem(appointment(paid_amount=1), **{**RIGHTS, "may_delete_paid": True}) is None
    assert deletion_problem(appointment(visit_status="arrived"), **RIGHTS).startswith("arrived")
    assert deletion_problem(appointment(visit_status="arrived"), may_delete_paid=False, may_delete_arrived=True) is None


def test_every_source_is_online_or_offline():
    assert set(SOURCES) == ONLINE_SOURCES | OFFLINE_SOURCES and not ONLINE_SOURCES & OFFLINE_SOURCES


@pytest.mark.parametrize("sort", ["created_at", "starts_at"])
def test_a_cursor_reads_back_as_the_position_it_was_made_from(sort):
    moment = datetime(2027, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    cursor = encode_cursor(PageRequest(sort=sort, direction="asc"), moment, 2**62)
    assert decode_cursor(cursor, sort, "asc") == (moment, 2**62)
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor  # safe in a URL as it is
