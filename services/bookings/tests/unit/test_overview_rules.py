from datetime import UTC, datetime

import pytest

from bookings.domain.appointments import OFFLINE_SOURCES, ONLINE_SOURCES, SOURCES
from bookings.overview import PageRequest, decode_cursor, encode_cursor


def test_every_source_is_online_or_offline():
    assert set(SOURCES) == ONLINE_SOURCES | OFFLINE_SOURCES and not ONLINE_SOURCES & OFFLINE_SOURCES


@pytest.mark.parametrize("sort", ["created_at", "starts_at"])
def test_a_cursor_reads_back_as_the_position_it_was_made_from(sort):
    moment = datetime(2027, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    cursor = encode_cursor(PageRequest(sort=sort, direction="asc"), moment, 2**62)
    assert decode_cursor(cursor, sort, "asc") == (moment, 2**62)
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor  # safe in a URL as it is
