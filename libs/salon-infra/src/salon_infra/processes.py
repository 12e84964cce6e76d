"""Starting and stopping the suite's processes on one machine: `make run`, tests, benchmarks."""

import os
import subprocess
import time
import urllib.request


def start_process(command: list[str], env: dict, log_path) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - owned by the child process
    return subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)


def wait_until_healthy(url: str, process: subprocess.Popen, log_path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not healthy after {timeout}s; see {log_path}")


def stop_process(process: subprocess.Popen, grace: float = 10) -> None:
    stop_processes([process], grace)


def stop_processes(processes: list[subprocess.Popen], grace: float = 10) -> None:
    """Ask each to stop once (a second SIGTERM stalls nameko's shutdown), so their graceful
    shutdowns overlap; kill what is still running after `grace` seconds."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
