"""Configuration from the environment: bad values stop the start with a message naming the
variable; the secret key is generated once and kept."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from spends import config

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("DATABASE_URL", "mysql://root@localhost/spends"),
        ("DATABASE_URL", "not a url"),
        ("SPENDS_MAX_ATTACHMENT_MB", "lots"),
        ("SPENDS_MAX_IMPORT_MB", "0"),
        ("SPENDS_HTTPS", "sometimes"),
        ("EMAIL_URL", "pigeon://coop"),
        ("SPENDS_BASE_URL", "spends.example.com"),
        ("SPENDS_REMINDER_HOUR", "24"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, variable, value):
    result = run_manage("check", env={"SPENDS_DATA_DIR": str(tmp_path), variable: value})
    assert result.returncode != 0
    assert variable in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    first = config.secret_key("SPENDS_TEST_UNSET_SECRET", tmp_path)
    second = config.secret_key("SPENDS_TEST_UNSET_SECRET", tmp_path)
    assert first == second and len(first) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_a_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SPENDS_TEST_SECRET", "from-the-environment")
    assert config.secret_key("SPENDS_TEST_SECRET", tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_sqlite_is_the_default_in_the_data_directory_with_wal_and_immediate(tmp_path, monkeypatch):
    monkeypatch.delenv("SPENDS_TEST_DB", raising=False)
    database = config.database("SPENDS_TEST_DB", tmp_path / "db.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "db.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] >= 5


def test_postgres_urls_use_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("SPENDS_TEST_DB", "postgres://spends:pw@db.internal:5433/spends")
    database = config.database("SPENDS_TEST_DB", tmp_path / "db.sqlite3")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "spends")


def test_email_url_configures_smtp(monkeypatch):
    monkeypatch.setenv("SPENDS_TEST_EMAIL", "smtp://me%40x.org:secret@mail.x.org:587?tls=true")
    mailer = config.mailer("SPENDS_TEST_EMAIL")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    options = mailer["OPTIONS"]
    assert (options["host"], options["port"], options["username"]) == (
        "mail.x.org",
        587,
        "me@x.org",
    )
    assert options["use_tls"] is True
    # A server that stops answering gives up rather than holding the reminder run.
    assert options["timeout"] == 30


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://spends.example.com/", "https://spends.example.com"),
        ("http://192.168.1.20:8000", "http://192.168.1.20:8000"),
        ("https://example.com/spends/", "https://example.com/spends"),
    ],
)
def test_the_base_url_for_links_in_emails_loses_its_trailing_slash(monkeypatch, value, expected):
    monkeypatch.setenv("SPENDS_TEST_BASE_URL", value)
    assert config.base_url("SPENDS_TEST_BASE_URL", "http://localhost:8000") == expected


@pytest.mark.parametrize("value", ["spends.example.com", "ftp://x.org", "https://x.org/?a=1"])
def test_a_base_url_that_is_no_web_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("SPENDS_TEST_BASE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="SPENDS_TEST_BASE_URL must be an http"):
        config.base_url("SPENDS_TEST_BASE_URL", "http://localhost:8000")


def test_email_goes_to_the_console_by_default(monkeypatch):
    monkeypatch.delenv("SPENDS_TEST_EMAIL", raising=False)
    monkeypatch.delenv("EMAIL_HOST", raising=False)
    assert config.mailer("SPENDS_TEST_EMAIL")["BACKEND"].endswith("console.EmailBackend")


def test_env_int_names_the_variable(monkeypatch):
    monkeypatch.setenv("SPENDS_TEST_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="SPENDS_TEST_INT"):
        config.env_int("SPENDS_TEST_INT", 1)


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SPENDS_DATA_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECRET_KEY": "x7Kp2-production-secret-key-that-is-long-and-random-9QzLm4Vb8Nw3",
            "ALLOWED_HOSTS": "example.com",
            "SPENDS_HTTPS": "true",
            "EMAIL_URL": "smtp://spends:pw@mail.example.com:587?tls=true",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_attachments_are_stored_under_uploads_in_the_data_directory_by_default(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("SPENDS_S3_BUCKET", raising=False)
    storage = config.attachment_storage(tmp_path)
    assert storage == {
        "BACKEND": "purchases.filestore.AtomicFileSystemStorage",
        "OPTIONS": {"location": tmp_path / "uploads"},
    }


def test_an_s3_bucket_in_the_environment_moves_attachments_there_without_code_changes(
    monkeypatch, tmp_path
):
    from django.utils.module_loading import import_string

    monkeypatch.setenv("SPENDS_S3_BUCKET", "spends-files")
    monkeypatch.setenv("SPENDS_S3_ENDPOINT_URL", "https://s3.example.net")
    monkeypatch.setenv("SPENDS_S3_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    storage = config.attachment_storage(tmp_path)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "spends-files",
        "location": "uploads",
        "file_overwrite": True,
        "default_acl": "private",
        "querystring_auth": True,
        "endpoint_url": "https://s3.example.net",
        "region_name": "eu-central-1",
    }
    # django-storages (the project's `s3` extra) accepts exactly these options.
    backend = import_string(storage["BACKEND"])(**storage["OPTIONS"])
    assert (backend.bucket_name, backend.location) == ("spends-files", "uploads")
    assert backend.endpoint_url == "https://s3.example.net"
