"""`python manage.py create_api_token USERNAME [--name NAME]`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken
from accounts.services import hash_token

pytestmark = pytest.mark.django_db


def create_api_token(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_a_token_that_works_as_bearer(user):
    out, err = create_api_token("alice", "--name", "cron job")

    token = out.strip()
    assert "\n" not in token and token.startswith("spt_")
    record = ApiToken.objects.get(owner=user)
    assert record.name == "cron job" and record.token_hash == hash_token(token)
    assert "shown only this once" in err
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/settings/")
    assert response.status_code == 200


def test_the_name_is_optional(user):
    out, _ = create_api_token("alice")
    assert ApiToken.objects.get(owner=user).token_hash == hash_token(out.strip())


def test_each_run_makes_a_new_token(user):
    first, _ = create_api_token("alice")
    second, _ = create_api_token("alice")
    assert first != second
    assert ApiToken.objects.filter(owner=user).count() == 2


def test_an_unknown_user_is_an_error(user):
    with pytest.raises(CommandError, match="nobody"):
        create_api_token("nobody")
    assert not ApiToken.objects.exists()


def test_a_too_long_name_is_an_error(user):
    with pytest.raises(CommandError):
        create_api_token("alice", "--name", "n" * 101)
    assert not ApiToken.objects.exists()
