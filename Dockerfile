# syntax=docker/dockerfile:1
# Spends Tracker image: gunicorn serving Django (static files through whitenoise) and the
# background-task worker beside it (scripts/serve), data in /data.
#   docker build -t spends-tracker .
#   docker run -p 8000:8000 -v spends-data:/data spends-tracker
# With PostgreSQL, see docker-compose.yml (there the worker is a service of its own).

# --- Source: the build context minus local state ------------------------------------------------
# Without a .dockerignore, `COPY . .` would carry the developer's .venv, ./data (database and
# secret_key), .env and .git into the image. They are removed here, and only the cleaned tree is
# copied into the final image, so none of them ends up in one of its layers.
FROM python:3.13-slim AS source
WORKDIR /src
COPY . .
RUN rm -rf .venv .git .env data staticfiles .ruff_cache .pytest_cache e2e/screenshots bench/results \
    && find . -name __pycache__ -type d -prune -exec rm -rf {} +

# --- Runtime image --------------------------------------------------------------------------------
FROM python:3.13-slim

ARG UV_VERSION=0.13.8

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    PATH="/opt/venv/bin:${PATH}"

WORKDIR /app

RUN pip install "uv==${UV_VERSION}"

# Dependencies first, so that this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --all-extras

COPY --from=source /src /app

# Static files are collected into /app/staticfiles at build time. Settings need a secret key and a
# data directory to load; these two are throwaway values used only for this step.
RUN SECRET_KEY=build-only-not-a-secret SPENDS_DATA_DIR=/tmp/build-data \
        python manage.py collectstatic --no-input \
    && rm -rf /tmp/build-data

# The application runs as an unprivileged user; it may write only to /data.
RUN groupadd --system --gid 1000 spends \
    && useradd --system --uid 1000 --gid spends --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin spends \
    && mkdir -p /data \
    && chown spends:spends /data

ENV SPENDS_DATA_DIR=/data
VOLUME /data
USER spends
EXPOSE 8000

# /healthz answers 200 when the database does. The Host header is the first ALLOWED_HOSTS entry
# (so that a production ALLOWED_HOSTS does not turn the check into a 400), and X-Forwarded-Proto
# keeps SPENDS_HTTPS=true from redirecting the check to https.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; q = r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}); sys.exit(0 if r.urlopen(q, timeout=4).status == 200 else 1)"]

# Migrations first, then the web server and the worker in one container: scripts/serve runs both,
# passes `docker stop` on to them and stops the container when either ends (so a restart policy
# brings both back). SPENDS_RUN_WORKER=false runs the web server alone.
CMD ["sh", "-c", "python manage.py migrate --no-input && exec bash scripts/serve --python python --bind 0.0.0.0:8000"]
