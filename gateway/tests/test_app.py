"""The Flask app without services: auth, validation and error shapes."""

from datetime import timedelta

import jwt
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from salon_infra.testing import free_port

SECRET = "test-secret-of-at-least-thirty-two-bytes"


@pytest.fixture
def client():
    # No broker on this port: anything that reaches a service answers 503.
    settings = Settings(amqp_uri=f"amqp://guest:guest@127.0.0.1:{free_port()}/", jwt_secret=SECRET, rpc_timeout=1)
    return create_app(settings).test_client()


def token(role="administrator", secret=SECRET, ttl=timedelta(hours=1), company_id=1):
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    claims = {"sub": "7", "company_id": company_id, "role": role, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


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


def test_only_managers_change_the_setup(client):
    response = client.post(
        "/api/v1/staff", json={"name": "Eva"}, headers={"Authorization": f"Bearer {token('specialist')}"}
    )
    assert response.status_code == 403


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


def test_the_gateway_refuses_to_start_without_a_real_jwt_secret(monkeypatch):
    monkeypatch.setenv("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    for weak in ("", "short"):
        monkeypatch.setenv("JWT_SECRET", weak)
        with pytest.raises(RuntimeError, match="JWT_SECRET"):
            Settings.from_env()
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    assert Settings.from_env().jwt_secret == "x" * 32
