"""gunicorn settings for production: ``gunicorn 'app:app'`` run from the repository root
reads this file by itself (or name it: ``gunicorn -c gunicorn.conf.py 'app:app'``).

The environment overrides the defaults here: ``GUNICORN_BIND`` (a reverse proxy in front
should reach 127.0.0.1:8000; never expose gunicorn itself), ``WEB_CONCURRENCY`` (worker
processes), ``GUNICORN_TIMEOUT``; anything else on the command line or in
``GUNICORN_CMD_ARGS``. ``gunicorn --check-config 'app:app'`` validates it.
"""

from __future__ import annotations

import multiprocessing
import os

#: Loopback only: TLS, buffering of slow clients and static files belong to the proxy.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

#: Sync workers, as gunicorn advises (2 x cores + 1), capped: each holds its own database
#: connection and index reader, and SQLite and the Whoosh index take one writer at a time.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "sync"

#: A request is killed past this. The heaviest legal one, a new version of
#: MULTILATERAL_MAX_PARAGRAPHS (5,000) paragraphs aligned with a previous one as long, takes
#: about 10 s; a longer text is refused (413) right after segmenting, in a few seconds
#: even at the 20 MiB upload limit, before any alignment or clause analysis.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
#: On restart or SIGTERM, requests under way get this long to finish.
graceful_timeout = 30
#: Behind a proxy on the same host keep-alive connections are cheap; a few seconds.
keepalive = 5

#: Recycle each worker after about a thousand requests (jittered so they do not all restart
#: at once), bounding whatever memory a long-lived process accumulates.
max_requests = 1000
max_requests_jitter = 100

#: Request line and headers: gunicorn's own defaults for line and field size, stated here
#: so they are seen; fewer header fields than its 100, since no client of ours sends 20.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

#: The worker heartbeat on a memory file system: on a container's overlay disk a blocked
#: write can make the arbiter kill healthy workers.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

#: Access log to stdout, error log to stderr, for the service manager to collect. The
#: format is the common "combined" one plus the time taken in milliseconds; it records
#: neither the Authorization header nor cookies.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
