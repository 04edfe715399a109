"""gunicorn settings for ``make serve`` (``gunicorn -c gunicorn.conf.py 'judging:create_app()'``).

Every value can be set from the environment: HOST and PORT (default 127.0.0.1:8000), WEB_CONCURRENCY
(worker processes; default 2 × cores + 1, at most 8) and FORWARDED_ALLOW_IPS (addresses whose
X-Forwarded-* headers gunicorn believes; none unless set). Behind a reverse proxy, also set the
application's PROXY_COUNT (``JUDGING_PROXY_COUNT=1``) so that client addresses and https are seen.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "gthread"
threads = 4
timeout = 60
graceful_timeout = 30
keepalive = 5

accesslog = "-"
errorlog = "-"
# Client, time, request line, status, bytes, referrer, agent, request id, duration in ms. The request id is
# the one the application sent back: the proxy's X-Request-ID when it gave one, else a new one; the
# application's own log records (JSON, one per line, on standard error) carry the same id.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}o)s %(M)sms'
os.environ.setdefault("JUDGING_LOG_FORMAT", "json")

# Trust X-Forwarded-* only from addresses named in the environment (gunicorn's default trusts 127.0.0.1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
