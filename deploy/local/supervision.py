"""Restarts the local cluster's processes when they exit, with backoff, as Kubernetes would.

`make run`, the system tests and the benchmarks start it through `LocalCluster.supervise()`.
A process stopped on purpose (`LocalCluster.stop_one`, or the whole cluster) stays stopped.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Restart:
    name: str
    exited_at: float  # time.time()
    code: int
    restarted_at: float | None = None


class Supervisor:
    """Watches `processes` (name -> Process, see cluster.py): one that exits while wanted is
    started again after 1 s, then 2, 4 ... up to `longest_delay` while it keeps dying within
    `stable_after` seconds of its start; a process that ran that long starts again after 1 s."""

    def __init__(
        self,
        processes: dict,
        say: Callable[[str], None] = print,
        *,
        first_delay: float = 1.0,
        longest_delay: float = 30.0,
        stable_after: float = 30.0,
        every: float = 0.2,
    ):
        self.processes, self.say = processes, say
        self.first_delay, self.longest_delay, self.stable_after, self.every = (
            first_delay, longest_delay, stable_after, every,
        )  # fmt: skip
        self.restarts: list[Restart] = []
        self._delays: dict[str, float] = {}
        self._due: dict[str, tuple[float, Restart]] = {}  # name -> (monotonic time to restart, its record)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> "Supervisor":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            for name, process in self.processes.items():
                with process.lock:
                    self._look_after(name, process)

    def _look_after(self, name: str, process) -> None:
        if not process.wanted or process.popen is None:
            self._due.pop(name, None)
            return
        code = process.popen.poll()
        if code is None:
            return
        now = time.monotonic()
        if name not in self._due:
            lived = now - process.started_at
            delay = self.first_delay if lived >= self.stable_after else self._delays.get(name, self.first_delay)
            self._delays[name] = min(delay * 2, self.longest_delay)
            record = Restart(name, time.time(), code)
            self.restarts.append(record)
            self._due[name] = (now + delay, record)
            self.say(f"{name} exited (code {code}); restarting in {delay:g} s")
            return
        due, record = self._due[name]
        if now >= due:
            del self._due[name]
            process.start()
            record.restarted_at = time.time()
            self.say(f"{name} restarted (pid {process.popen.pid})")
