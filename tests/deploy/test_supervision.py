"""The local supervisor (deploy/local/supervision.py) on real child processes: restarts with
backoff, says so, and leaves alone what was stopped on purpose."""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

from cluster import Process  # noqa: E402
from supervision import Supervisor  # noqa: E402


def a_process(tmp_path: Path, name: str, seconds: float) -> Process:
    command = [sys.executable, "-c", f"import time; time.sleep({seconds})"]
    return Process(name, command, {}, "http://unused", tmp_path / f"{name}.log")


def eventually(condition, within: float):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_process_that_keeps_dying_is_restarted_with_growing_delays(tmp_path):
    said = []
    dying = a_process(tmp_path, "dying", 0)
    dying.start()
    supervisor = Supervisor({"dying": dying}, said.append, first_delay=0.1, longest_delay=0.4, every=0.01).start()
    try:
        assert eventually(lambda: len(supervisor.restarts) >= 4, 10)
    finally:
        supervisor.stop()
        dying.stop()
    delays = [line.split("restarting in ")[1] for line in said if "exited" in line]
    assert delays[:4] == ["0.1 s", "0.2 s", "0.4 s", "0.4 s"]
    assert said[0] == "dying exited (code 0); restarting in 0.1 s"
    assert said[1].startswith("dying restarted (pid ")


def test_a_killed_process_comes_back_and_one_stopped_on_purpose_stays_down(tmp_path):
    said = []
    killed, stopped = a_process(tmp_path, "killed", 60), a_process(tmp_path, "stopped", 60)
    for process in (killed, stopped):
        process.start()
    supervisor = Supervisor({"killed": killed, "stopped": stopped}, said.append, first_delay=0.1, every=0.01).start()
    try:
        first_pid = killed.popen.pid
        killed.kill()
        stopped.stop()
        assert eventually(lambda: killed.popen.pid != first_pid and killed.popen.poll() is None, 5)
        time.sleep(0.3)
    finally:
        supervisor.stop()
        killed.stop()
    assert said[0] == "killed exited (code -9); restarting in 0.1 s"
    assert [restart.name for restart in supervisor.restarts] == ["killed"]
    assert stopped.popen is None
