"""Requests that carry an Idempotency-Key: the same key with the same request replays the first
answer; the same key with another request is refused, naming `idempotency_key`."""

import hashlib
import json

from salon_infra.errors import InvalidInput


def fingerprint(request: dict) -> str:
    """A digest of what was asked, independent of key order."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def replay(stored_fingerprint: str, asked_fingerprint: str, answer: dict) -> dict:
    if stored_fingerprint != asked_fingerprint:
        raise InvalidInput.field("idempotency_key", "This key was already used for a different request.")
    return {**answer, "replayed": True}
