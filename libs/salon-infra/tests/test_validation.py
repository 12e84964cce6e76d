import json
from datetime import date, datetime

import pytest
from marshmallow import Schema, ValidationError, validate

from salon_infra import fields
from salon_infra.errors import InvalidInput
from salon_infra.validation import MAX_DEPTH, MAX_INT, MIN_INT, find_problem, load


class Person(Schema):
    name = fields.String(required=True)
    tags = fields.List(fields.String())


class Everything(Schema):
    id = fields.Integer(validate=validate.Range(min=1, max=MAX_INT))
    count = fields.Integer()
    strict_count = fields.Integer(strict=True)
    title = fields.String(validate=validate.Length(max=5))
    note = fields.String()
    email = fields.Email()
    day = fields.Date()
    starts_at = fields.AwareDateTime()
    local = fields.NaiveDateTime(timezone=None)
    moved = fields.NaiveDateTime(timezone=datetime.now().astimezone().tzinfo)
    any_time = fields.DateTime()


def errors_of(**data) -> dict:
    with pytest.raises(ValidationError) as problem:
        Everything().load(data)
    return problem.value.messages


def test_problems_are_found_with_their_path():
    assert find_problem({"client": {"name": "A\x00"}}) == ("client.name", "Must not contain NUL characters.")
    assert find_problem({"lines": [{"title": "ok"}, {"title": "\udd44"}]})[0] == "lines.1.title"
    assert find_problem({"staff_member_id": 2**64})[0] == "staff_member_id"
    assert find_problem({"n": [MIN_INT - 1]})[0] == "n.0"
    assert find_problem({"x": float("inf")})[0] == "x"
    assert find_problem({"extra_fields": {"\ud800": 1}})[0] == "extra_fields"  # the key itself is never echoed
    assert find_problem("\x00") == ("_schema", "Must not contain NUL characters.")
    assert find_problem({"name": "Anna \U000a9544", "n": MAX_INT, "m": MIN_INT, "x": None, "ok": True}) is None


def test_nesting_is_bounded_without_deep_recursion():
    deep = current = []
    for _ in range(5000):
        current.append([])
        current = current[0]
    path, message = find_problem({"a": deep})
    assert path.startswith("a.0.0") and "nested" in message
    assert find_problem(json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))) is None


def test_load_names_each_bad_field():
    with pytest.raises(InvalidInput) as problem:
        load(Person(), {"tags": [1]})
    assert set(problem.value.errors) == {"name", "tags"}
    with pytest.raises(InvalidInput) as problem:
        load(Person(), {"name": "Ann\x00a"})
    assert problem.value.errors == {"name": ["Must not contain NUL characters."]}
    with pytest.raises(InvalidInput) as problem:
        load(Person(), {"name": "Anna", "tags": ["ok", "\uda65"]})
    assert problem.value.errors == {"tags": {"1": ["Must be valid Unicode text (a lone surrogate is not)."]}}


def test_integers_stay_within_64_bits_with_one_message():
    assert errors_of(id=2**63) == {"id": [f"Must be a whole number from {MIN_INT} to {MAX_INT}."]}
    assert "count" in errors_of(count=-(2**63) - 1)
    assert "strict_count" in errors_of(strict_count=10**30)
    assert "count" in errors_of(count=1e300)  # a float that is whole, but far too large
    assert errors_of(count="9" * 5000) == {"count": ["Not a valid integer."]}  # past Python's digit limit
    assert errors_of(id=0) == {"id": [f"Must be greater than or equal to 1 and less than or equal to {MAX_INT}."]}
    assert Everything().load({"id": MAX_INT, "count": MIN_INT}) == {"id": MAX_INT, "count": MIN_INT}


def test_text_is_valid_unicode_without_nul_and_bounded():
    surrogate = ["Must be valid Unicode text (a lone surrogate is not)."]
    assert errors_of(note="a\x00b") == {"note": ["Must not contain NUL characters."]}
    assert errors_of(note="\uda65") == {"note": surrogate}
    assert errors_of(note="\udd44\uda65") == {"note": surrogate}
    assert errors_of(email="a\udd44@example.com") == {"email": surrogate}
    assert errors_of(title="toolong") == {"title": ["Longer than maximum length 5."]}
    assert errors_of(note="x" * (fields.DEFAULT_MAX_LENGTH + 1)) == {"note": ["Longer than maximum length 10000."]}
    assert Everything().load({"note": "Salon \U000a9544", "email": "a@example.com"})["note"] == "Salon \U000a9544"


def test_dates_and_times_stay_in_the_window():
    message = ["Must be a date from 2000-01-01 to 2100-12-31."]
    for day in ("0001-01-01", "1999-12-31", "2101-01-01", "9999-12-30"):
        assert errors_of(day=day) == {"day": message}
    for moment in ("9999-12-31T23:59-12:00", "0001-01-01T00:00+14:00", "1999-12-31T23:59:59+00:00"):
        assert errors_of(starts_at=moment) == {"starts_at": message}
        assert errors_of(any_time=moment) == {"any_time": message}
        assert errors_of(moved=moment) == {"moved": message}  # checked before it is moved to a zone
    assert errors_of(local="9999-12-31T23:59") == {"local": message}
    edges = {"day": "2000-01-01", "starts_at": "2100-12-31T23:59-12:00", "local": "2000-01-01T00:00"}
    loaded = Everything().load(edges)
    assert loaded["day"] == date(2000, 1, 1) and loaded["starts_at"].year == 2100
