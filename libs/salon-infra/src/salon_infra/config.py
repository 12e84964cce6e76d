"""Settings read from the environment, with defaults that work on a developer's machine."""

import os
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI


def var_dir() -> Path:
    path = Path(os.environ.get("SALON_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service_name: str, configured: str | None = None) -> str:
    """The service's database: DATABASE_URL when set, else an embedded SQLite file."""
    url = configured or os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{var_dir() / service_name}.sqlite3"


def int_setting(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default
