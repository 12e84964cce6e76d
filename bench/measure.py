"""What every benchmark measures with: timing a call, summarising samples, waiting for the relay."""

import statistics
import time

from sqlalchemy import create_engine, text


def wait_for_relay(bookings_url: str, timeout: float = 60) -> None:
    """Slot search reads scheduling's copy of busy times; measure once every event has arrived."""
    engine = create_engine(bookings_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    deadline = time.monotonic() + timeout
    with engine.connect() as connection:
        while connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one():
            assert time.monotonic() < deadline, "the relay did not drain the outbox"
            time.sleep(0.2)
            connection.rollback()
    engine.dispose()
    time.sleep(1.0)  # and scheduling has consumed them


def timed(call, count: int, warmup: int) -> dict:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


def summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    if not ordered:
        return {"n": 0}
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }
