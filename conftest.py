"""Fixtures shared by every app's tests."""

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def _empty_static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("staticfiles")


@pytest.fixture(autouse=True)
def _plain_static_files(settings, _empty_static_root):
    # The hashed-name storage needs `collectstatic` first; tests render pages from the sources
    # (served by the finders), and whitenoise gets an empty collected folder instead of none.
    settings.STATIC_ROOT = _empty_static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose (about 0.3 s a password); the tests create
    # hundreds of users and check what a login does, not how strong the hash is.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
