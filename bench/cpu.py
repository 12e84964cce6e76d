"""CPU seconds spent by the system under test, read from /proc: every process of the local
cluster (services, relays, gateway workers), the PostgreSQL backends of its databases, and the
broker. Benchmarks compare a booking's cost with an empty RPC's as CPU per call, measured in
the same run, so a busier or quieter machine changes both alike."""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += children(current)
    return pids


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except FileNotFoundError:
                continue
    return found


@dataclass
class Accounts:
    """Who to count: the cluster's process trees, the broker, and the backends of these databases."""

    roots: dict[str, int]  # each cluster process by name: its tree is counted under the name
    database_urls: Iterable[str]

    def pids(self) -> dict[str, list[int]]:
        groups = {name: tree(root) for name, root in self.roots.items()}
        groups["rabbitmq"] = pids_named("beam.smp")
        groups["postgres"] = self._backends()
        return groups

    def _backends(self) -> list[int]:
        names = [url.rsplit("/", 1)[1] for url in self.database_urls]
        engine = create_engine(next(iter(self.database_urls)).replace("postgresql://", "postgresql+psycopg2://", 1))
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = ANY(:names)"), {"names": names}
                )
                return [row.pid for row in rows]
        finally:
            engine.dispose()

    def snapshot(self) -> dict[str, dict[int, float]]:
        return {group: {pid: cpu_seconds(pid) for pid in pids} for group, pids in self.pids().items()}


def spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per group between two snapshots (processes started in between count from 0),
    and their "total"."""
    groups = {
        group: round(sum(seconds - before.get(group, {}).get(pid, 0.0) for pid, seconds in after[group].items()), 3)
        for group in after
    }
    return {**groups, "total": round(sum(groups.values()), 3)}


def cluster_roots(cluster) -> dict[str, int]:
    return {name: process.popen.pid for name, process in cluster.processes.items() if process.popen is not None}
