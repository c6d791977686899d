"""gunicorn settings for `make run` and the Docker image; WEB_CONCURRENCY and GUNICORN_THREADS
tune them."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 120
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for `gunicornc`) is not used, and its default place, under $HOME,
# is not writable by the Docker image's user.
control_socket_disable = True
