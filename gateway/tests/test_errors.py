import pytest

from gateway.errors import (
    HTTP_STATUS,
    REMOTE_ERRORS,
    Conflict,
    InvalidInput,
    NotFound,
    RemoteBug,
    TooManyRequests,
    remote_error,
)


@pytest.mark.parametrize(
    ("exc_type", "local_type", "status"),
    [("NotFound", NotFound, 404), ("SlotTaken", Conflict, 409), ("InvalidInput", InvalidInput, 422)],
)
def test_remote_errors_map_to_local_types_and_statuses(exc_type, local_type, status):
    error = remote_error({"exc_type": exc_type, "exc_args": ["message", {"starts_at": ["bad"]}], "value": "message"})
    assert type(error) is local_type and HTTP_STATUS[local_type] == status and error.message == "message"


def test_only_invalid_input_carries_field_errors():
    error = remote_error({"exc_type": "InvalidInput", "exc_args": ["m", {"phone": ["x"]}]})
    assert error.field_errors == {"phone": ["x"]}
    assert remote_error({"exc_type": "Conflict", "exc_args": ["m", "slot_taken"]}).field_errors is None


def test_an_unknown_remote_error_is_an_internal_error():
    assert type(remote_error({"exc_type": "KeyError", "exc_args": ["secret detail"]})) is RemoteBug


def test_every_local_type_has_a_status():
    assert set(REMOTE_ERRORS.values()) <= set(HTTP_STATUS)


def test_a_daily_cap_reached_is_429_naming_the_cap_until_the_next_day():
    details = {"channel": "sms", "cap": "3", "retry_after": str(3 * 3600 + 125)}  # nameko sends numbers as text
    error = remote_error({"exc_type": "DailyLimitReached", "exc_args": ["this salon has sent its 3 sms", details]})
    assert type(error) is TooManyRequests and HTTP_STATUS[TooManyRequests] == 429
    assert error.retry_after == 3 * 3600 + 125 and error.limit == {"name": "sms_daily_cap", "cap": 3}
    assert error.message == "This salon has sent its 3 SMS for today, its daily limit; more can be sent in 3 h 3 min."
    bare = remote_error({"exc_type": "DailyLimitReached", "exc_args": ["over the cap"]})
    assert type(bare) is TooManyRequests and bare.retry_after > 0 and "over the cap" in bare.message
