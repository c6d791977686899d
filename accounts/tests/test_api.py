"""The accounts API through Django's test client: preferences, and API tokens."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from accounts.lockout import LOCKOUT_MESSAGE
from accounts.models import ApiToken, Preferences
from accounts.selectors import preferences_for
from accounts.services import api_token_create, hash_token, preferences_update
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

JSON = "application/json"
DEFAULTS = {"currency_code": "USD", "date_format": "MM/DD/YYYY", "timezone": "UTC"}


@pytest.fixture(autouse=True)
def _utc_server(settings):
    settings.TIME_ZONE = "UTC"


def error_fields(response) -> list:
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    return [problem["loc"][-1] for problem in detail]


def stored_preferences(user) -> dict:
    preferences = Preferences.objects.filter(user=user).first() or Preferences(user=user)
    return {key: getattr(preferences, key) for key in DEFAULTS}


# Preferences -----------------------------------------------------------------------------------


def test_settings_answer_the_defaults_when_never_set(api_client):
    response = api_client.get("/api/settings/")
    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_settings_answer_what_was_saved(api_client, user):
    preferences_update(user=user, currency_code="EUR", timezone="Europe/Berlin")
    assert api_client.get("/api/settings/").json() == {
        "currency_code": "EUR", "date_format": "MM/DD/YYYY", "timezone": "Europe/Berlin",
    }  # fmt: skip


def test_put_changes_only_the_given_settings_and_answers_all(api_client, user):
    response = api_client.put("/api/settings/", {"currency_code": "EUR"}, content_type=JSON)

    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, "currency_code": "EUR"}
    response = api_client.put(
        "/api/settings/",
        {"date_format": "DD.MM.YYYY", "timezone": "Europe/Berlin"},
        content_type=JSON,
    )
    expected = {"currency_code": "EUR", "date_format": "DD.MM.YYYY", "timezone": "Europe/Berlin"}
    assert response.json() == expected
    assert stored_preferences(user) == expected
    assert api_client.get("/api/settings/").json() == expected


def test_put_with_an_empty_body_changes_nothing(api_client, user):
    preferences_update(user=user, currency_code="GBP")
    response = api_client.put("/api/settings/", {}, content_type=JSON)
    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, "currency_code": "GBP"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"currency_code": "XYZ"}, "currency_code"),
        ({"currency_code": "eur"}, "currency_code"),
        ({"currency_code": None}, "currency_code"),
        ({"date_format": "YYYY/DD/MM"}, "date_format"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"colour": "blue"}, "colour"),
        ({"reminder_days_ahead": 10}, "reminder_days_ahead"),
        # One bad value among good ones: the good ones are not saved either.
        ({"date_format": "YYYY-MM-DD", "currency_code": "XYZ"}, "currency_code"),
        ({"date_format": "YYYY-MM-DD", "theme": "dark"}, "theme"),
    ],
)
def test_put_refuses_an_invalid_value_or_unknown_key_and_changes_nothing(
    api_client, user, body, field
):
    preferences_update(user=user, currency_code="EUR")
    before = stored_preferences(user)

    response = api_client.put("/api/settings/", body, content_type=JSON)

    assert field in error_fields(response)
    assert stored_preferences(user) == before
    assert api_client.get("/api/settings/").json() == before


def test_put_refuses_a_body_that_is_not_an_object(api_client):
    assert api_client.put("/api/settings/", "[1]", content_type=JSON).status_code == 422
    assert api_client.put("/api/settings/", "{", content_type=JSON).status_code == 422


@pytest.mark.parametrize(
    "key, value",
    [("currency_code", "CHF"), ("date_format", "short"), ("timezone", "Asia/Tokyo")],
)
def test_get_one_setting(api_client, user, key, value):
    assert api_client.get(f"/api/settings/{key}").json() == {"key": key, "value": DEFAULTS[key]}
    preferences_update(user=user, **{key: value})

    response = api_client.get(f"/api/settings/{key}")

    assert response.status_code == 200
    assert response.json() == {"key": key, "value": value}


@pytest.mark.parametrize("key", ["colour", "reminders_enabled", "user", "id", "CURRENCY_CODE"])
def test_get_an_unknown_setting_answers_404(api_client, key):
    response = api_client.get(f"/api/settings/{key}")
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_reset_goes_back_to_the_defaults(api_client, user):
    preferences_update(
        user=user, currency_code="EUR", date_format="YYYY-MM-DD", timezone="Asia/Tokyo"
    )

    response = api_client.post("/api/settings/reset", content_type=JSON)

    assert response.status_code == 200
    assert response.json() == DEFAULTS
    assert stored_preferences(user) == DEFAULTS
    assert api_client.get("/api/settings/").json() == DEFAULTS


def test_settings_are_each_users_own(api_client, other_api_client, user, other_user):
    preferences_update(user=other_user, currency_code="JPY")
    api_client.put("/api/settings/", {"currency_code": "EUR"}, content_type=JSON)
    api_client.post("/api/settings/reset")

    assert other_api_client.get("/api/settings/").json()["currency_code"] == "JPY"
    assert preferences_for(other_user).currency_code == "JPY"


def test_settings_need_credentials(client, user):
    answers = [
        client.get("/api/settings/"),
        client.put("/api/settings/", {"currency_code": "EUR"}, content_type=JSON),
        client.get("/api/settings/currency_code"),
        client.post("/api/settings/reset"),
    ]
    assert [answer.status_code for answer in answers] == [401] * 4
    assert not Preferences.objects.filter(user=user).exists()


def test_settings_through_the_session_need_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.get("/api/settings/").status_code == 200
    assert client.get("/api/settings/timezone").status_code == 200
    refused = client.put("/api/settings/", {"currency_code": "EUR"}, content_type=JSON)
    assert refused.status_code == 403
    assert client.post("/api/settings/reset").status_code == 403
    assert stored_preferences(user) == DEFAULTS


# Creating a token with username and password ---------------------------------------------------


def token_request(client, password=PASSWORD, username="alice", **extra):
    return client.post(
        "/api/auth/token",
        {"username": username, "password": password, **extra},
        content_type=JSON,
    )


def test_token_with_the_right_password_works_as_bearer(client, user):
    response = token_request(client, name="laptop script")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "name", "created_at"}
    assert body["name"] == "laptop script"
    record = ApiToken.objects.get(owner=user)
    assert record.token_hash == hash_token(body["token"]) and body["token"] not in record.token_hash
    bearer = Client(headers={"Authorization": f"Bearer {body['token']}"})
    assert bearer.get("/api/settings/").status_code == 200


def test_token_name_is_optional(client, user):
    response = token_request(client)
    assert response.status_code == 201
    assert response.json()["name"]


def test_token_with_a_wrong_password_answers_401(client, user):
    response = token_request(client, password="wrong")

    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)
    assert not ApiToken.objects.exists()


def test_token_for_an_unknown_or_inactive_user_answers_401(client, user, other_user):
    assert token_request(client, username="nobody").status_code == 401
    other_user.is_active = False
    other_user.save()
    assert token_request(client, username="mallory").status_code == 401
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "alice"}, "password"),
        ({"username": "alice", "password": PASSWORD, "name": "n" * 101}, "name"),
        ({"username": "alice", "password": PASSWORD, "scope": "all"}, "scope"),
        ({"username": "alice", "password": 1234}, "password"),
    ],
)
def test_token_request_validates_its_body(client, user, body, field):
    response = client.post("/api/auth/token", body, content_type=JSON)
    assert field in error_fields(response)
    assert not ApiToken.objects.exists()


def test_five_failures_lock_token_requests_out_with_429_json(client, user):
    statuses = [token_request(client, password=f"wrong{n}").status_code for n in range(4)]
    assert statuses == [401] * 4
    # The fifth failure reaches the limit: django-axes locks the username and address out.
    fifth = token_request(client, password="wrong5")
    assert fifth.status_code == 429

    # Now even the right password is refused, in JSON, until the window passes.
    response = token_request(client)

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": LOCKOUT_MESSAGE}
    assert not ApiToken.objects.exists()


def test_token_failures_share_the_login_pages_limit(client, user):
    for attempt in range(5):
        client.post("/login/", {"username": "alice", "password": f"wrong{attempt}"})

    response = token_request(client)

    assert response.status_code == 429
    assert response.json() == {"detail": LOCKOUT_MESSAGE}


def test_a_successful_token_request_resets_the_failure_count(client, user):
    for attempt in range(4):
        token_request(client, password=f"wrong{attempt}")
    assert token_request(client).status_code == 201
    assert not AccessAttempt.objects.filter(username="alice").exists()
    for attempt in range(4):
        assert token_request(client, password=f"again{attempt}").status_code == 401
    assert token_request(client).status_code == 201


def test_token_request_needs_no_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    assert token_request(client).status_code == 201


# Listing and revoking tokens -------------------------------------------------------------------


def test_tokens_list_shows_your_tokens_without_secrets(api_client, user, other_user):
    record, token = api_token_create(owner=user, name="backup script")
    api_token_create(owner=other_user, name="not mine")

    response = api_client.get("/api/tokens")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and (body["skip"], body["limit"]) == (0, 20)
    names = [item["name"] for item in body["items"]]
    assert sorted(names) == ["backup script", "tests"]
    mine = next(item for item in body["items"] if item["name"] == "backup script")
    assert set(mine) == {"id", "name", "prefix", "created_at", "last_used_at"}
    assert mine["id"] == str(record.id) and token.startswith(mine["prefix"])
    assert mine["last_used_at"] is None
    assert token not in response.content.decode()
    assert record.token_hash not in response.content.decode()
    # The token the client itself uses has been seen being used.
    used = next(item for item in body["items"] if item["name"] == "tests")
    assert used["last_used_at"] is not None


def test_tokens_list_pages(api_client, user):
    for number in range(3):
        api_token_create(owner=user, name=f"token {number}")
    body = api_client.get("/api/tokens", {"limit": 2, "skip": 1}).json()
    assert body["total"] == 4 and len(body["items"]) == 2
    assert "limit" in error_fields(api_client.get("/api/tokens", {"limit": 101}))


def test_revoke_a_token(api_client, user):
    record, token = api_token_create(owner=user, name="old")

    response = api_client.delete(f"/api/tokens/{record.id}")

    assert response.status_code == 204
    assert not ApiToken.objects.filter(id=record.id).exists()
    revoked = Client(headers={"Authorization": f"Bearer {token}"})
    assert revoked.get("/api/settings/").status_code == 401
    assert api_client.delete(f"/api/tokens/{record.id}").status_code == 404


def test_revoking_another_users_token_answers_404(api_client, other_user):
    record, token = api_token_create(owner=other_user, name="theirs")

    response = api_client.delete(f"/api/tokens/{record.id}")

    assert response.status_code == 404
    assert ApiToken.objects.filter(id=record.id).exists()
    assert (
        Client(headers={"Authorization": f"Bearer {token}"}).get("/api/tokens").status_code == 200
    )


def test_revoke_with_a_malformed_id_answers_422(api_client):
    assert "token_id" in error_fields(api_client.delete("/api/tokens/not-a-uuid"))


def test_tokens_need_credentials(client, user):
    record, _ = api_token_create(owner=user)
    assert client.get("/api/tokens").status_code == 401
    assert client.delete(f"/api/tokens/{record.id}").status_code == 401
    assert ApiToken.objects.filter(id=record.id).exists()


def test_revoking_through_the_session_needs_the_csrf_token(user):
    record, _ = api_token_create(owner=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.get("/api/tokens").status_code == 200
    assert client.delete(f"/api/tokens/{record.id}").status_code == 403
    assert ApiToken.objects.filter(id=record.id).exists()
