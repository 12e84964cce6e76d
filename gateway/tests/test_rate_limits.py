"""The rate limits' mechanics on the app alone, with real Redis: the refusal's shape, the client
address behind trusted proxies, the settings, and Redis being down. No service runs: a request that
gets past its limits is 503, and the limits count it all the same (signup counts every valid request).
The whole system's limits (login, bookings, phone codes) are tested in ../tests/test_rate_limits.py."""

import uuid

import pytest
import redis

from gateway.app import create_app
from gateway.rate_limits import DEFAULT_RATE_LIMITS, rate_limits_from_env
from gateway.settings import Settings
from salon_infra.testing import free_port

SIGNUP = {
    "company": {"name": "Salon", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE"},
    "owner": {"name": "Owner", "email": "owner@example.com", "password": "a-good-password"},
}


@pytest.fixture
def prefix():
    prefix = f"test-{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def app_client(prefix: str, hops: int = 0, redis_url: str = "redis://127.0.0.1:6379/0", **limits):
    settings = Settings(
        amqp_uri=f"amqp://guest:guest@127.0.0.1:{free_port()}/",
        jwt_secret="s" * 32,
        rpc_timeout=1,
        redis_url=redis_url,
        redis_prefix=prefix,
        trusted_proxy_hops=hops,
        rate_limits={**DEFAULT_RATE_LIMITS, **limits},
    )
    return create_app(settings).test_client()


def signup(client, address="198.51.100.7", forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/api/v1/signup", json=SIGNUP, headers=headers, environ_base={"REMOTE_ADDR": address})


def test_over_the_limit_is_429_with_retry_after_and_the_limit_named(prefix):
    client = app_client(prefix, signup_per_address="2 per minute")
    assert [signup(client).status_code for _ in range(2)] == [503, 503]  # counted, though no service answers
    refused = signup(client)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json["limit"] == {"name": "signup_per_address", "rate": "2 per 1 minute"}
    assert refused.json["message"].startswith("Too many salons opened from this address; try again in")
    assert signup(client, address="198.51.100.8").status_code == 503  # another address is not limited


def test_an_invalid_request_is_refused_before_it_counts(prefix):
    client = app_client(prefix, signup_per_address="1 per minute")
    for _ in range(3):
        assert client.post("/api/v1/signup", json={}, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 422
    assert signup(client).status_code == 503


def test_the_counts_live_in_redis_under_the_prefix(prefix):
    """So every replica sees them (REDIS_PREFIX keeps one deployment's, or one test cluster's, apart)."""
    client = app_client(prefix, signup_per_address="2 per minute")
    assert signup(client).status_code == 503
    keys = [key.decode() for key in redis.Redis.from_url("redis://127.0.0.1:6379/0").scan_iter(f"{prefix}*")]
    assert len(keys) == 1 and "198.51.100.7" in keys[0] and "signup_per_address" in keys[0]


def test_behind_one_trusted_proxy_each_client_has_its_own_count(prefix):
    """Every request comes from the proxy's address; the limit is per client the proxy saw."""
    client = app_client(prefix, hops=1, signup_per_address="1 per minute")
    proxy = "10.0.0.2"
    assert signup(client, proxy, forwarded_for="203.0.113.1").status_code == 503
    assert signup(client, proxy, forwarded_for="203.0.113.1").status_code == 429
    assert signup(client, proxy, forwarded_for="203.0.113.2").status_code == 503
    # What the client wrote itself comes before what the proxy added, and is not trusted.
    assert signup(client, proxy, forwarded_for="203.0.113.3, 203.0.113.1").status_code == 429


def test_without_trusted_proxies_a_forwarded_for_header_changes_nothing(prefix):
    client = app_client(prefix, hops=0, signup_per_address="1 per minute")
    assert signup(client, forwarded_for="203.0.113.1").status_code == 503
    assert signup(client, forwarded_for="203.0.113.2").status_code == 429


def test_with_redis_down_each_replica_still_limits_in_memory(prefix, caplog):
    """Fail safe, not closed: nothing is refused for Redis being away, and the limits hold per replica."""
    client = app_client(prefix, redis_url=f"redis://127.0.0.1:{free_port()}/0", signup_per_address="2 per minute")
    statuses = [signup(client).status_code for _ in range(3)]
    assert statuses == [503, 503, 429]
    assert "falling back to in-memory storage" in caplog.text


def test_limits_come_from_the_environment_and_a_bad_one_refuses_to_start():
    limits = rate_limits_from_env({"RATE_LIMIT_LOGIN_PER_ACCOUNT": "3/minute"})
    assert limits["login_per_account"] == "3/minute"
    assert limits["signup_per_address"] == DEFAULT_RATE_LIMITS["signup_per_address"]
    with pytest.raises(RuntimeError, match="RATE_LIMIT_SIGNUP_PER_ADDRESS"):
        rate_limits_from_env({"RATE_LIMIT_SIGNUP_PER_ADDRESS": "a lot"})


@pytest.mark.parametrize("hops", ["-1", "one", "9"])
def test_a_bad_number_of_proxy_hops_refuses_to_start(monkeypatch, hops):
    monkeypatch.setenv("JWT_SECRET", "s" * 32)
    monkeypatch.setenv("PHONE_TOKEN_SECRET", "p" * 32)
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", hops)
    with pytest.raises(RuntimeError, match="TRUSTED_PROXY_HOPS"):
        Settings.from_env()
