"""Revoked and signed-out tokens, against a real Redis shared by gateway processes."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import redis

from gateway.app import create_app
from gateway.errors import ServiceUnavailable, Unauthorized
from gateway.revocation import MAX_CHECK_SECONDS, Revocations
from gateway.settings import Settings
from salon_infra.testing import free_port

SECRET = "test-secret-of-at-least-thirty-two-bytes"


@pytest.fixture
def store():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    client.close()


@pytest.fixture
def prefix(store):
    prefix = f"test-revocation-{uuid.uuid4().hex[:8]}:"
    yield prefix
    for key in store.scan_iter(f"{prefix}*"):
        store.delete(key)


class Accounts:
    """Stands in for accounts.token_state: the current version of each user, and how often it was asked."""

    def __init__(self, **versions):
        self.versions = {int(user_id[1:]): version for user_id, version in versions.items()}
        self.asked = 0

    def __call__(self, company_id, user_id):
        self.asked += 1
        return self.versions.get(user_id)


def test_a_token_of_the_current_version_passes_and_accounts_is_asked_once_per_period(store, prefix):
    accounts = Accounts(u7=3)
    one, other = (Revocations(store, accounts, prefix, check_seconds=30) for _ in range(2))  # two gateway processes
    for revocations in (one, other, one):
        revocations.check(1, 7, 3, "token-a")
    assert accounts.asked == 1
    with pytest.raises(Unauthorized):
        one.check(1, 7, 2, "token-b")  # an older version


def test_a_change_reaches_every_process_within_the_check_period(store, prefix):
    accounts = Accounts(u7=1)
    revocations = Revocations(store, accounts, prefix, check_seconds=0.5)
    revocations.check(1, 7, 1, "token-a")
    accounts.versions[7] = 2  # switched off, new role, new password...
    revocations.check(1, 7, 1, "token-a")  # still within the period
    time.sleep(0.6)
    with pytest.raises(Unauthorized):
        revocations.check(1, 7, 1, "token-a")


def test_forgetting_a_user_asks_accounts_at_once(store, prefix):
    accounts = Accounts(u7=1)
    revocations = Revocations(store, accounts, prefix)
    revocations.check(1, 7, 1, "token-a")
    accounts.versions[7] = None  # switched off
    revocations.forget(1, 7)
    with pytest.raises(Unauthorized):
        revocations.check(1, 7, 1, "token-a")


def test_a_signed_out_token_fails_at_once_and_only_that_one(store, prefix):
    revocations = Revocations(store, Accounts(u7=1), prefix)
    revocations.sign_out("token-a", time.time() + 3600)
    with pytest.raises(Unauthorized):
        revocations.check(1, 7, 1, "token-a")
    revocations.check(1, 7, 1, "token-b")
    ttl = store.ttl(f"{prefix}signed-out:token-a")
    assert 3590 < ttl <= 3601  # kept until the token would have expired, not longer


def test_a_token_without_version_or_id_is_refused(store, prefix):
    revocations = Revocations(store, Accounts(u7=1), prefix)
    for version, token_id in ((None, "token-a"), (1, None), ("1", "token-a"), (1, "")):
        with pytest.raises(Unauthorized):
            revocations.check(1, 7, version, token_id)


def test_the_default_check_period_keeps_within_a_minute(store, prefix):
    settings = Settings(amqp_uri="amqp://unused/", jwt_secret=SECRET)
    assert 0 < settings.token_check_seconds <= MAX_CHECK_SECONDS == 60
    revocations = Revocations(store, Accounts(u7=1), prefix, settings.token_check_seconds)
    revocations.check(1, 7, 1, "token-a")
    assert 0 < store.pttl(f"{prefix}token-version:1:7") <= MAX_CHECK_SECONDS * 1000
    for too_long in (61, 0, -1):
        with pytest.raises(ValueError):
            Revocations(store, Accounts(), prefix, too_long)


def test_the_gateway_refuses_to_start_with_a_longer_period(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    monkeypatch.setenv("PHONE_TOKEN_SECRET", "p" * 32)
    monkeypatch.setenv("TOKEN_CHECK_SECONDS", "120")
    with pytest.raises(ValueError, match="check_seconds"):
        create_app()


def test_without_redis_a_token_cannot_be_checked_and_the_answer_is_503(prefix):
    unreachable = redis.Redis(port=free_port(), socket_connect_timeout=0.5, socket_timeout=0.5)
    revocations = Revocations(unreachable, Accounts(u7=1), prefix)
    with pytest.raises(ServiceUnavailable):
        revocations.check(1, 7, 1, "token-a")


def test_logout_through_the_app(store, prefix):
    settings = Settings(
        amqp_uri=f"amqp://guest:guest@127.0.0.1:{free_port()}/", jwt_secret=SECRET, rpc_timeout=1, redis_prefix=prefix
    )
    client = create_app(settings).test_client()
    store.set(f"{prefix}token-version:1:7", 1, ex=60)
    now = datetime.now(UTC)
    claims = {"sub": "7", "company_id": 1, "role": "owner", "rights": [], "ver": 1, "jti": uuid.uuid4().hex,
              "iat": now, "exp": now + timedelta(hours=1)}  # fmt: skip
    headers = {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and "sign in again" in refused.json["message"]
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_a_token_newer_than_the_cached_version_is_checked_again(store, prefix):
    accounts = Accounts(u7=1)
    revocations = Revocations(store, accounts, prefix)
    revocations.check(1, 7, 1, "token-a")
    accounts.versions[7] = 2  # changed, and signed in again at once
    revocations.check(1, 7, 2, "token-b")
    with pytest.raises(Unauthorized):
        revocations.check(1, 7, 1, "token-a")
    assert accounts.asked == 2


def test_a_sign_in_remembers_the_version_it_read(store, prefix):
    accounts = Accounts(u7=5)
    revocations = Revocations(store, accounts, prefix)
    revocations.remember(1, 7, 5)
    revocations.check(1, 7, 5, "token-a")
    assert accounts.asked == 0
