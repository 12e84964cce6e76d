from datetime import UTC, datetime, timedelta

import pytest

from bookings.domain.appointments import client_change_problem

NOW = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("starts_in", "cutoff", "allowed"),
    [
        (timedelta(hours=3), 0, True),
        (timedelta(minutes=1), 0, True),
        (timedelta(hours=3), 120, True),
        (timedelta(hours=2), 120, True),
        (timedelta(hours=2) - timedelta(seconds=1), 120, False),
        (timedelta(hours=47), 48 * 60, False),
        (timedelta(hours=49), 48 * 60, True),
        (timedelta(0), 0, False),
        (-timedelta(hours=1), 0, False),
    ],
)
def test_the_cutoff_closes_online_changes(starts_in, cutoff, allowed):
    assert (client_change_problem(NOW + starts_in, NOW, cutoff) is None) is allowed


def test_the_refusal_says_how_long_before():
    assert "2 h 15 min before" in client_change_problem(NOW + timedelta(hours=1), NOW, 135)
    assert "45 min before" in client_change_problem(NOW + timedelta(minutes=30), NOW, 45)
    assert "already started" in client_change_problem(NOW, NOW, 0)
