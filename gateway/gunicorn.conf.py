"""gunicorn -c gunicorn.conf.py "gateway.app:create_app()" """

import os
import shutil
import tempfile

from gateway.logs import logging_config

bind = os.environ.get("GATEWAY_BIND", "0.0.0.0:8080")
worker_class = "gthread"  # each thread keeps its own broker connection for RPC
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
# Threads wait on RPC answers, not CPU: enough that a few slow requests (sign-ins waiting for their
# password hash, at most LOGIN_CONCURRENCY of them) leave most of them free.
threads = int(os.environ.get("GATEWAY_THREADS", "16"))
timeout = 30
graceful_timeout = 20
keepalive = 5
backlog = 512
accesslog = os.environ.get("GATEWAY_ACCESS_LOG") or None
errorlog = "-"
# JSON lines with request ids, gunicorn's own included (gateway.logs).
logconfig_dict = logging_config()

# Metrics of every worker process (prometheus-client's multiprocess mode): each worker writes its
# values to files in PROMETHEUS_MULTIPROC_DIR, and /metrics adds them up. The directory must be
# empty when gunicorn starts; without the variable, a fresh one under $TMPDIR (in Kubernetes the
# in-memory emptyDir at /tmp) is made here, before any worker forks and imports prometheus-client.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _made_metrics_dir = None
else:
    _made_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gateway-metrics-")


def on_starting(server):
    """Forget the values of an earlier run in the same directory."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for entry in os.scandir(directory):
        if entry.is_file() and entry.name.endswith(".db"):
            os.unlink(entry.path)


def child_exit(server, worker):
    """A worker that exited: its live gauges go (its counters and histograms are kept and summed)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _made_metrics_dir:
        shutil.rmtree(_made_metrics_dir, ignore_errors=True)
