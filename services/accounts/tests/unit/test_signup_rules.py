from datetime import UTC, datetime, timedelta

from accounts.domain.signup import ABANDONED_AFTER, DISCARDED, DISCARDING, DONE, PENDING, is_abandoned

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def test_a_pending_signup_is_abandoned_only_long_after_any_deadline():
    assert timedelta(minutes=5) <= ABANDONED_AFTER
    assert not is_abandoned(PENDING, NOW - ABANDONED_AFTER + timedelta(seconds=1), NOW)
    assert is_abandoned(PENDING, NOW - ABANDONED_AFTER, NOW)


def test_one_being_discarded_is_finished_whatever_its_age_and_a_finished_one_never():
    assert is_abandoned(DISCARDING, NOW, NOW)
    for state in (DONE, DISCARDED):
        assert not is_abandoned(state, NOW - timedelta(days=30), NOW)
