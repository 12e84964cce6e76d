"""gunicorn -c gunicorn.conf.py "gateway.app:create_app()" """

import os

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
