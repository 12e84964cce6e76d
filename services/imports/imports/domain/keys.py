"""Idempotency keys, so that an upload or a row imported twice is recognised as such."""

import hashlib
import json
from collections.abc import Mapping


def file_key(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def row_key(company_id: int, content: Mapping[str, object]) -> str:
    """The same for the same normalised content in the same company, whichever file or row it came from."""
    canonical = json.dumps([company_id, content], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
