"""The Flask app without services: auth, validation and error shapes."""

import uuid
from datetime import timedelta

import jwt
import pytest
import redis

from gateway.app import create_app
from gateway.settings import Settings
from salon_infra.testing import free_port

SECRET = "test-secret-of-at-least-thirty-two-bytes"


@pytest.fixture
def client():
    # No broker on this port: anything that reaches a service answers 503. Tokens are checked against
    # the user's token version in Redis, put there as a recent check by accounts would have.
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    settings = Settings(
        amqp_uri=f"amqp://guest:guest@127.0.0.1:{free_port()}/", jwt_secret=SECRET, rpc_timeout=1, redis_prefix=prefix
    )
    store = redis.Redis.from_url(settings.redis_url)
    store.set(f"{prefix}token-version:1:7", 1, ex=60)
    yield create_app(settings).test_client()
    store.delete(f"{prefix}token-version:1:7")


ADMINISTRATOR_RIGHTS = ["view_bookings_overview", "take_payments", "manage_settings", "export_data"]


def token(role="administrator", secret=SECRET, ttl=timedelta(hours=1), company_id=1, rights=ADMINISTRATOR_RIGHTS):
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    claims = {"sub": "7", "company_id": company_id, "role": role, "iat": now, "exp": now + ttl, "ver": 1,
              "jti": uuid.uuid4().hex}  # fmt: skip
    if rights is not None:
        claims["rights"] = rights
    return jwt.encode(claims, secret, algorithm="HS256")


def bearer(**claims) -> dict:
    return {"Authorization": f"Bearer {token(**claims)}"}


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.") and "/api/v1/companies/{company_id}/slots" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Basic abc",
        f"Bearer {token(secret='another-secret-of-thirty-two-bytes!')}",
        f"Bearer {token(ttl=timedelta(seconds=-5))}",
        "Bearer x.y.z",
    ],
)
def test_staff_endpoints_need_a_valid_token(client, header):
    response = client.get("/api/v1/staff", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.json["code"] == 401


@pytest.mark.parametrize(
    ("method", "path", "body", "right"),
    [
        ("POST", "/api/v1/staff", {"name": "Eva"}, "manage_settings"),
        ("PATCH", "/api/v1/company", {"name": "Mine"}, "manage_settings"),
        ("POST", "/api/v1/appointments/5/products", {"product_id": 1, "quantity": 1}, "take_payments"),
        ("GET", "/api/v1/users", None, "manage_users"),
        ("POST", "/api/v1/roles", {"name": "Cashier", "rights": []}, "manage_users"),
    ],
)
def test_an_endpoint_asks_for_its_right_by_name(client, method, path, body, right):
    for claims in ({"role": "specialist", "rights": []}, {"role": "specialist", "rights": None}):
        response = client.open(path, method=method, json=body, headers=bearer(**claims))
        assert response.status_code == 403 and right in response.json["message"], claims
    # With the right (and a key, for payments and sales) the request passes the check and reaches the (absent) service.
    headers = {**bearer(role="Front desk", rights=[right]), "Idempotency-Key": "k-1"}
    response = client.open(path, method=method, json=body, headers=headers)
    assert response.status_code == 503


def test_me_shows_the_tokens_role_and_rights(client):
    me = client.get("/api/v1/me", headers=bearer(role="Front desk", rights=["take_payments", "export_data"])).json
    assert me == {"id": 7, "company_id": 1, "role": "Front desk", "rights": ["export_data", "take_payments"]}


def test_the_users_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {
        "/api/v1/rights",
        "/api/v1/roles",
        "/api/v1/roles/{role_id}",
        "/api/v1/users",
        "/api/v1/users/{user_id}",
    } <= set(paths)


def test_bad_input_names_the_field(client):
    response = client.post("/api/v1/companies/1/bookings", json={"service_ids": [], "starts_at": "tomorrow"})
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"service_ids", "starts_at", "client"}


def test_a_service_out_of_reach_is_503_not_500(client):
    response = client.get("/api/v1/staff", headers={"Authorization": f"Bearer {token()}"})
    assert response.status_code == 503 and "broker" in response.json["message"]


def test_readiness_reports_the_broker(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_ids_out_of_range_are_not_found(client):
    assert client.get("/api/v1/companies/99999999999999999999/services").status_code == 404
    assert client.get("/api/v1/companies/0/services").status_code == 404


def test_the_gateway_refuses_to_start_without_real_secrets(monkeypatch):
    monkeypatch.setenv("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    monkeypatch.setenv("PHONE_TOKEN_SECRET", "p" * 32)
    for weak in ("", "short"):
        monkeypatch.setenv("JWT_SECRET", weak)
        with pytest.raises(RuntimeError, match="JWT_SECRET"):
            Settings.from_env()
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    assert Settings.from_env().jwt_secret == "x" * 32
    for weak in ("", "short"):  # the proof of a confirmed phone, which bookings checks
        monkeypatch.setenv("PHONE_TOKEN_SECRET", weak)
        with pytest.raises(RuntimeError, match="PHONE_TOKEN_SECRET"):
            Settings.from_env()


def test_sign_ins_beyond_the_processs_few_slots_are_answered_busy_at_once(client):
    sign_ins = client.application.extensions["salon.sign_ins"]
    login = {"company_id": 1, "email": "owner@example.com", "password": "whatever"}
    with sign_ins.slot(), sign_ins.slot(), sign_ins.slot(), sign_ins.slot():  # the default 4: sign-ins in flight
        busy = client.post("/api/v1/auth/login", json=login)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert "Too many sign-ins" in busy.json["message"]
        assert client.get("/api/v1/me", headers=bearer()).status_code == 200  # other requests go on
    answered = client.post("/api/v1/auth/login", json=login)  # a slot is free: it reaches accounts (absent here)
    assert answered.status_code == 503 and "Retry-After" not in answered.headers
