"""No request body, argument or value makes a 500 before any service is asked: the JSON reader,
the bounded fields, the RPC encoder's last check, and an OpenAPI document that states the bounds."""

import pytest
from webargs import core
from werkzeug.exceptions import HTTPException

from gateway import parsing
from gateway.app import API_BLUEPRINTS, create_app
from gateway.errors import InvalidInput
from gateway.rpc import encode_request
from gateway.settings import Settings
from salon_infra.testing import free_port
from salon_infra.validation import MAX_INT, MIN_INT

SECRET = "test-secret-of-at-least-thirty-two-bytes"
OUT_OF_64_BITS = [f"Must be a whole number from {MIN_INT} to {MAX_INT}."]


@pytest.fixture(scope="module")
def app():
    settings = Settings(amqp_uri=f"amqp://guest:guest@127.0.0.1:{free_port()}/", jwt_secret=SECRET, rpc_timeout=1)
    return create_app(settings)


def refused(raw: bytes) -> tuple[int, object]:
    with pytest.raises(HTTPException) as problem:
        parsing.read_json(raw)
    return problem.value.code, problem.value.data["messages"]["json"]


def test_what_cannot_be_read_is_400():
    for raw in (b"{", b"{'a': 1}", b'{"a": 1} x', b"\xff", b'{"a": NaN}', b"[Infinity]", b"[" * 50_000):
        assert refused(raw)[0] == 400, raw


def test_what_is_read_but_out_of_bounds_is_422_naming_the_field():
    assert refused(b'{"id": ' + b"9" * 5000 + b"}") == (422, {"id": OUT_OF_64_BITS})
    assert refused(b'{"id": -' + b"9" * 20 + b"}") == (422, {"id": OUT_OF_64_BITS})
    assert refused(b'{"a": {"b": [1, 9223372036854775808]}}') == (422, {"a": {"b": {"1": OUT_OF_64_BITS}}})
    assert refused(b'{"x": 1e999}') == (422, {"x": ["Must be a finite number."]})
    assert refused(b'{"title": "\\ud800"}')[1] == {"title": ["Must be valid Unicode text (a lone surrogate is not)."]}
    assert refused(b'{"title": "a\\u0000"}')[1] == {"title": ["Must not contain NUL characters."]}
    code, errors = refused(b'{"f": ' + b"[" * 40 + b"]" * 40 + b"}")
    assert code == 422 and set(errors) == {"f"}


def test_what_is_in_bounds_is_read_as_it_is():
    assert parsing.read_json(b"") is core.missing
    value = parsing.read_json(b'{"n": -9223372036854775808, "m": 9223372036854775807, "t": "\\uda65\\udd44", "f": 1.5}')
    assert value == {"n": MIN_INT, "m": MAX_INT, "t": "\U000a9544", "f": 1.5}


def test_every_api_blueprint_reads_json_this_way():
    assert all(isinstance(blueprint, parsing.Blueprint) for blueprint in API_BLUEPRINTS)


def test_the_rpc_encoder_names_a_value_json_cannot_carry():
    assert encode_request((1, {"a": "ok"}), {}) == b'{"args":[1,{"a":"ok"}],"kwargs":{}}'
    with pytest.raises(InvalidInput) as problem:
        encode_request((1, {"client": {"name": "\udd44"}}), {})
    assert problem.value.field_errors == {"client": {"name": ["Must be valid Unicode text (a lone surrogate is not)."]}}
    with pytest.raises(InvalidInput) as problem:
        encode_request((1,), {"query": {"ids": [2**64]}})
    assert problem.value.field_errors == {"query": {"ids": {"0": OUT_OF_64_BITS}}}
    with pytest.raises(TypeError):
        encode_request((object(),), {})  # not the input's fault: a bug, left to be a 500


def test_the_document_states_the_bounds_of_every_request_field(app):
    """Every integer a request takes has a range within 64 bits, every text a maximum length (or
    a fixed set of values), so that clients and fuzzers know them."""
    document = app.test_client().get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    unbounded = []

    def check(where: str, schema: dict) -> None:
        if "$ref" in schema:
            return  # checked under its own name
        for part in schema.get("allOf", []) + schema.get("anyOf", []):
            check(where, part)
        kind = schema.get("type")
        low, high = schema.get("minimum", MIN_INT - 1), schema.get("maximum", MAX_INT + 1)
        if kind == "integer" and not MIN_INT <= low <= high <= MAX_INT:
            unbounded.append(where)
        if kind == "string" and not ({"maxLength", "enum", "pattern", "format"} & set(schema)):
            unbounded.append(where)
        for name, field in schema.get("properties", {}).items():
            if not field.get("readOnly"):
                check(f"{where}.{name}", field)
        if "items" in schema:
            check(f"{where}[]", schema["items"])

    for name, schema in schemas.items():
        if name not in ("Error", "PaginationMetadata"):  # flask-smorest's own answers
            check(name, schema)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = operation if method == "parameters" else operation.get("parameters", [])
            for parameter in parameters:
                check(f"{method.upper()} {path} {parameter['name']}", parameter.get("schema", {}))
    assert unbounded == [], "\n".join(unbounded)
