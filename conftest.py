"""Fixtures shared by every app's tests."""

import os
import tempfile

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple"


def pytest_configure(config):
    # Tests serve static files from the sources (the finders); whitenoise, which serves the
    # collected folder in production, gets an empty one rather than warning that there is none.
    from django.conf import settings

    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="spends-static-")
    _add_other_engine(settings)


# A second database of the other engine, for the tests that move data between engines (a backup
# taken on SQLite restored into PostgreSQL, and back). On PostgreSQL it is a SQLite file; on
# SQLite it is the PostgreSQL that TEST_OTHER_DATABASE_URL names (`make test-sqlite` passes the
# one the PostgreSQL run uses). Its test database is only created when such a test runs.
OTHER_ENGINE = "other_engine"


def _add_other_engine(settings) -> None:
    from django.db import connections

    from spends import config

    folder = tempfile.mkdtemp(prefix="spends-other-engine-")
    other = config.database("TEST_OTHER_DATABASE_URL", os.path.join(folder, "other.sqlite3"))
    default_engine = settings.DATABASES["default"]["ENGINE"]
    if other["ENGINE"] == default_engine:
        return
    if other["ENGINE"].endswith("sqlite3"):
        other["TEST"] = {"NAME": other["NAME"]}
    else:
        other["TEST"] = {"NAME": f"test_spends_other_{os.getpid()}"}
    settings.DATABASES[OTHER_ENGINE] = other
    # Django fills in each database's defaults once; this one came after.
    connections.configure_settings(None)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    """The file store's folder: a fresh one for every test, never the data directory. Static
    files are served from the sources (the hashed-name storage needs `collectstatic` first)."""
    folder = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "attachments": {
            "BACKEND": "purchases.filestore.AtomicFileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    return folder


@pytest.fixture(autouse=True)
def backups_dir(settings, tmp_path):
    """The backups' folder: a fresh one for every test, never the data directory's."""
    folder = tmp_path / "backups"
    settings.SPENDS_BACKUP_DIR = folder
    return folder


@pytest.fixture(autouse=True)
def _no_remembered_figures():
    """Each test starts with no remembered analytics figures (accounts/versions.py): a test
    database emptied between tests starts the data versions again."""
    from django.core.cache import caches

    from accounts.versions import FIGURES_CACHE

    caches[FIGURES_CACHE].clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose (about 0.3 s a password); the tests create
    # hundreds of users and check what a login does, not how strong the hash is.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background jobs run inside the call that starts them, so a test sees their outcome at
    once (the browser test of imports runs a real worker instead)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def data_dir(settings, tmp_path):
    """A fresh data directory for tests that store files."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("alice", "alice@example.com", PASSWORD)


@pytest.fixture
def other_user(db):
    return get_user_model().objects.create_user("mallory", "mallory@example.com", PASSWORD)


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def api_client(user):
    """A Django test client that calls the API with a bearer token of `user`."""
    from django.test import Client

    from accounts.services import api_token_create

    _, token = api_token_create(owner=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def other_api_client(other_user):
    from django.test import Client

    from accounts.services import api_token_create

    _, token = api_token_create(owner=other_user, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file (in WAL mode, as in production) rather than
    Django's usual in-memory one: tests of concurrent readers and writers (a backup taken while
    another thread writes) need connections of their own, which an in-memory database cannot
    give. The file lives in a temporary folder."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folder = tmp_path_factory.mktemp("test-database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
