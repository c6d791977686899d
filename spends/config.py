"""Reading configuration from the environment.

Every setting that comes from the environment goes through one of these functions, so a bad
value stops the process at start with a message that names the variable, instead of failing
later in some request.
"""

import os
import secrets
import zoneinfo
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Berlin, not {value!r}."
        ) from None
    return value


def base_url(name: str, default: str) -> str:
    """The address people reach the application at, for links that leave it (reminder emails):
    `https://spends.example.com`, or with a path prefix; no trailing slash."""
    from urllib.parse import urlsplit

    url = env_str(name, default).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name} must be an http:// or https:// address such as https://spends.example.com, "
            f"not {url!r}."
        )
    return url


def data_dir(name: str, default: Path) -> Path:
    path = Path(env_str(name) or default).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}: cannot create the data directory {path}: {exc}"
        ) from exc
    return path


TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}


def tasks_backend(name: str, default: str) -> dict:
    """Where background jobs run: `database` queues them for `manage.py worker` (which
    `make run` and docker-compose.yml start beside the web server); `immediate` runs each one
    inside the request that starts it, for set-ups that cannot run a worker."""
    value = env_str(name, default).lower() or default
    if value not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(TASK_BACKENDS)}, not {value!r}."
        )
    return {"BACKEND": TASK_BACKENDS[value]}


def secret_key(name: str, directory: Path) -> str:
    """The secret key from the environment or, when absent, one generated once and kept."""
    value = env_str(name)
    if value:
        return value
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    value = secrets.token_urlsafe(50)
    # Created with 0600 so that only the application's user can read it.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def database(name: str, default_sqlite: Path) -> dict:
    import dj_database_url

    url = env_str(name) or f"sqlite:///{default_sqlite}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"{name} must look like sqlite:///path/db.sqlite3 or "
            f"postgres://user:password@host:5432/name, not {url!r} ({exc})."
        ) from None
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
        config.pop("CONN_HEALTH_CHECKS", None)
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction, so concurrent writers wait (up to the timeout) instead of
        # failing with "database is locked" half way through.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif engine.endswith("postgresql"):
        pass
    else:
        raise ImproperlyConfigured(
            f"{name} must name a SQLite or PostgreSQL database, not {url!r}."
        )
    return config


def mailer(url_name: str) -> dict:
    """The default mailer (Django's MAILERS setting): console output unless EMAIL_URL
    (console://, smtp://user:pass@host:587?tls=true, smtps://...) or EMAIL_HOST names a server."""
    from urllib.parse import parse_qs, unquote, urlsplit

    console = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    url = env_str(url_name)
    if url:
        parts = urlsplit(url)
        if parts.scheme == "console":
            return console
        if parts.scheme not in {"smtp", "smtps"}:
            raise ImproperlyConfigured(
                f"{url_name} must start with console://, smtp:// or smtps://."
            )
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{url_name} has an invalid port.") from None
        query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        options = {
            "host": parts.hostname or "localhost",
            "port": port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": query.get("tls") in TRUE_WORDS,
        }
    elif env_str("EMAIL_HOST"):
        options = {
            "host": env_str("EMAIL_HOST"),
            "port": env_int("EMAIL_PORT", 25, minimum=1),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
        }
    else:
        return console
    # A mail server that stops answering must not hold the reminder run up for ever.
    options["timeout"] = 30
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


def attachment_storage(directory: Path) -> dict:
    """Where attachments' bytes live (Django's STORAGES entry): `uploads/` in the data
    directory, or an S3-compatible bucket when SPENDS_S3_BUCKET names one (django-storages,
    installed with the project's `s3` extra; credentials from AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY as boto3 reads them)."""
    bucket = env_str("SPENDS_S3_BUCKET")
    if not bucket:
        return {
            "BACKEND": "purchases.filestore.AtomicFileSystemStorage",
            "OPTIONS": {"location": directory / "uploads"},
        }
    options = {
        "bucket_name": bucket,
        "location": env_str("SPENDS_S3_PREFIX", "uploads").strip("/"),
        # Content-addressed: the same name always holds the same bytes, and nothing is public.
        "file_overwrite": True,
        "default_acl": "private",
        "querystring_auth": True,
    }
    if endpoint := env_str("SPENDS_S3_ENDPOINT_URL"):
        options["endpoint_url"] = endpoint
    if region := env_str("SPENDS_S3_REGION"):
        options["region_name"] = region
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
