import pytest
from marshmallow import Schema, fields

from salon_infra.errors import InvalidInput
from salon_infra.validation import find_nul, load


class Person(Schema):
    name = fields.String(required=True)
    tags = fields.List(fields.String())


def test_nul_characters_are_found_with_their_path():
    assert find_nul({"client": {"name": "A\x00"}}) == "client.name"
    assert find_nul({"lines": [{"title": "ok"}, {"title": "\x00"}]}) == "lines.1.title"
    assert find_nul({"name": "Anna", "n": 3, "x": None}) is None


def test_load_names_each_bad_field():
    with pytest.raises(InvalidInput) as problem:
        load(Person(), {"tags": [1]})
    assert set(problem.value.errors) == {"name", "tags"}
    with pytest.raises(InvalidInput) as problem:
        load(Person(), {"name": "Ann\x00a"})
    assert problem.value.errors == {"name": ["Must not contain NUL characters."]}
