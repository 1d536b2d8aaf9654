"""Gunicorn settings of one application node (scripts/prod.py starts two, each on its own port).

Threads, not only processes: a video consult's signaling socket (flask-sock) holds a thread for
the whole call, and most requests wait on PostgreSQL, so a few processes with many threads each
serve more people on two cores than many single-threaded processes. Every value can be changed
through the environment the script passes (TCM_NODE_*)."""

import gc
import os
import sys

bind = os.environ.get("TCM_NODE_BIND", "127.0.0.1:8101")
worker_class = "gthread"
workers = int(os.environ.get("TCM_NODE_WORKERS", "2"))
threads = int(os.environ.get("TCM_NODE_THREADS", "16"))
# A worker that stops answering its arbiter for this long is killed and replaced (its sockets
# included); with gthread this is the worker's heartbeat, not a limit on one request.
timeout = 30
graceful_timeout = 20
keepalive = 5  # nginx keeps connections to the node open (upstream keepalive)
# A worker restarts after this many requests (spread by the jitter), so slow leaks cannot build up.
max_requests = int(os.environ.get("TCM_NODE_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
# Only nginx on this machine may say who the client was (X-Forwarded-*); ProxyFix in the app
# trusts exactly one hop (TCM_TRUSTED_PROXIES=1).
forwarded_allow_ips = "127.0.0.1"
# Each node its own control socket (gunicorn 24+), beside its pid file, never a shared default.
control_socket = os.environ.get("TCM_NODE_CONTROL_SOCKET", "")
proc_name = os.environ.get("TCM_NODE_NAME", "tcm-node")
accesslog = os.environ.get("TCM_NODE_ACCESS_LOG") or None
errorlog = os.environ.get("TCM_NODE_ERROR_LOG", "-")
loglevel = "info"


def post_worker_init(worker):
    """Once the worker has loaded the app, move everything made so far (modules, mappers, the
    app: some 500,000 objects the cyclic collector tracks) to the collector's permanent
    generation. They live as long as the process, yet a full collection walks all of them while
    every thread of the worker waits: 150 ms and more on the treatment benchmark's app, and a
    month's free treatment slots are enough new objects to start one every dozen searches.
    Frozen, a full collection walks only what came later: a few milliseconds (benchmarks/
    treatments.py prints both). The collector itself stays on; the usual practice for gunicorn
    workers."""
    gc.collect()  # no garbage among what is frozen
    gc.freeze()
    switch_ms = os.environ.get("TCM_NODE_SWITCH_MS")
    if switch_ms:
        # How long a thread may run before one that waits for the interpreter gets it (5 ms by
        # default): a request whose database answer came back waits at most this for its turn.
        sys.setswitchinterval(float(switch_ms) / 1000)
