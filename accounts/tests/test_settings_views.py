"""The settings page: its frame, preferences, appearance and API tokens."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, Preferences
from accounts.selectors import today_for
from accounts.services import api_token_create
from accounts.tests.factories import PreferencesFactory
from analytics.cards import DASHBOARD_CARDS
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def test_settings_page_has_every_section_with_its_anchor(user_client):
    response = user_client.get("/settings")
    content = response.content.decode()
    assert response.status_code == 200
    for section, title in [
        ("preferences", "Preferences"),
        ("appearance", "Appearance"),
        ("catalog", "Retailers and brands"),
        ("tokens", "API tokens"),
    ]:
        assert f'id="{section}"' in content
        assert f'href="#{section}"' in content
        assert title in content
    assert "js/settings.js" in content and "js/cards.js" in content


def test_history_restore_of_the_settings_page_is_whole(user_client):
    response = user_client.get("/settings", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_settings_page_query_count_is_constant(user_client, user, django_assert_max_num_queries):
    from catalog.tests.factories import BrandFactory, RetailerFactory

    user_client.get("/settings")  # the first visit also makes the calendar feed's secret
    with django_assert_max_num_queries(8):
        user_client.get("/settings")
    for number in range(10):
        api_token_create(owner=user, name=f"token {number}")
        RetailerFactory(owner=user)
        BrandFactory(owner=user)
    with django_assert_max_num_queries(8):
        response = user_client.get("/settings")
    assert response.content.decode().count('data-testid="token-row"') == 10


# Preferences


def test_preferences_show_current_values_and_date_examples(user_client, user):
    PreferencesFactory(
        user=user, currency_code="EUR", date_format="DD.MM.YYYY", timezone="Europe/Berlin"
    )
    content = user_client.get("/settings").content.decode()
    today = today_for(user)
    assert '<option value="EUR" selected>EUR (€)</option>' in content
    assert '<option value="Europe/Berlin" selected>' in content
    assert f"DD.MM.YYYY — {today:%d.%m.%Y}" in content
    assert f"YYYY-MM-DD — {today:%Y-%m-%d}" in content
    assert f"<strong data-date-example>{today:%d.%m.%Y}</strong>" in content
    assert 'id="date-format-examples"' in content


def test_preferences_region_alone_for_htmx(user_client):
    response = user_client.get("/settings/preferences", headers=HX)
    content = response.content.decode()
    assert "<html" not in content
    assert content.strip().startswith('<form id="preferences-form"')
    assert "<html" in user_client.get("/settings/preferences").content.decode()


def test_preferences_saved_with_htmx(user_client, user):
    data = {"currency_code": "GBP", "date_format": "YYYY-MM-DD", "timezone": "Asia/Tokyo"}
    response = user_client.post("/settings/preferences", data, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and 'id="preferences-form"' in content
    assert "Preferences saved." in content  # the toast, out of band
    assert '<option value="GBP" selected>' in content
    preferences = Preferences.objects.get(user=user)
    assert (preferences.currency_code, preferences.date_format, preferences.timezone) == (
        "GBP", "YYYY-MM-DD", "Asia/Tokyo",
    )  # fmt: skip


def test_preferences_saved_without_htmx_redirects(user_client, user):
    data = {"currency_code": "EUR", "date_format": "DD.MM.YYYY", "timezone": "UTC"}
    response = user_client.post("/settings/preferences", data)
    assert response.status_code == 302
    assert response["Location"] == "/settings#preferences"
    assert "Preferences saved." in user_client.get("/settings").content.decode()


def test_date_format_applies_on_the_warranties_page(user_client, user):
    end = today_for(user) + datetime.timedelta(days=100)
    WarrantyFactory(
        purchase__owner=user, warranty_start=end - datetime.timedelta(days=300), warranty_end=end
    )
    assert end.strftime("%m/%d/%Y") in user_client.get("/warranties").content.decode()
    user_client.post(
        "/settings/preferences",
        {"currency_code": "USD", "date_format": "DD.MM.YYYY", "timezone": "UTC"},
    )
    content = user_client.get("/warranties").content.decode()
    assert end.strftime("%d.%m.%Y") in content
    assert end.strftime("%m/%d/%Y") not in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency_code", "XXX", "is not a valid choice"),
        ("date_format", "DD-MM-YY", "is not a valid choice"),
        ("timezone", "Mars/Olympus", "Mars/Olympus is not a known time zone."),
        ("currency_code", "", "This field is required."),
    ],
)
def test_bad_preferences_answer_422_beside_the_field_and_change_nothing(
    user_client, user, field, value, message
):
    PreferencesFactory(user=user, currency_code="EUR", timezone="Europe/Paris")
    data = {"currency_code": "USD", "date_format": "YYYY-MM-DD", "timezone": "UTC", field: value}
    for headers in (HX, {}):
        response = user_client.post("/settings/preferences", data, headers=headers)
        content = response.content.decode()
        assert response.status_code == 422
        assert f'id="id_{field}_error"' in content
        assert message in content
    preferences = Preferences.objects.get(user=user)
    assert (preferences.currency_code, preferences.date_format, preferences.timezone) == (
        "EUR", "MM/DD/YYYY", "Europe/Paris",
    )  # fmt: skip


def test_preferences_only_accept_get_and_post(user_client):
    assert user_client.delete("/settings/preferences").status_code == 405


# Appearance


def test_appearance_offers_theme_buttons_and_card_toggles(user_client):
    content = user_client.get("/settings").content.decode()
    for theme in ("light", "dark", "auto"):
        assert f'data-theme-value="{theme}"' in content
    for card in DASHBOARD_CARDS:
        assert f'data-card-toggle="{card.id}"' in content
        assert card.label in content
    assert "stored in this browser" in content


# API tokens


def test_token_created_is_shown_once(user_client, user):
    response = user_client.post("/settings/tokens", {"token-name": "backup script"}, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and content.strip().startswith('<div id="api-tokens"')
    record = ApiToken.objects.get(owner=user)
    assert record.name == "backup script"
    start = content.index('data-testid="new-token-value"')
    token = content[content.rindex('value="', 0, start) + 7 :].split('"', 1)[0]
    assert token.startswith(record.prefix)
    assert "will not be shown again" in content
    assert 'data-copy-target="#new-token-value"' in content
    assert "created. Copy it now." in content  # the toast

    later = user_client.get("/settings").content.decode()
    assert "backup script" in later
    assert f"{record.prefix}…" in later
    assert token not in later
    assert "never" in later  # not used yet


def test_token_created_without_htmx_shows_the_whole_page_with_it(user_client, user):
    response = user_client.post("/settings/tokens", {"token-name": "cron"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content and 'data-testid="new-token-value"' in content


def test_token_without_a_name_gets_one(user_client, user):
    user_client.post("/settings/tokens", {"token-name": "  "}, headers=HX)
    assert ApiToken.objects.get(owner=user).name.startswith("Token ")


def test_token_with_a_too_long_name_answers_422_and_creates_nothing(user_client, user):
    response = user_client.post("/settings/tokens", {"token-name": "x" * 101}, headers=HX)
    content = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_token-name_error"' in content
    assert "at most 100 characters" in content
    assert 'data-testid="new-token"' not in content
    assert not ApiToken.objects.filter(owner=user).exists()


def test_tokens_region_alone_for_htmx(user_client, user):
    api_token_create(owner=user, name="mine")
    response = user_client.get("/settings/tokens", headers=HX)
    content = response.content.decode()
    assert "<html" not in content and "mine" in content
    assert "<html" in user_client.get("/settings/tokens").content.decode()


def test_token_last_used_is_shown(user_client, user):
    from django.utils import timezone

    record, _ = api_token_create(owner=user, name="used")
    ApiToken.objects.filter(id=record.id).update(
        last_used_at=timezone.now() - datetime.timedelta(days=1)
    )
    content = user_client.get("/settings").content.decode()
    assert "never" not in content.split('id="token-', 1)[1].split("</tr>", 1)[0]


def revoke_url(record) -> str:
    return reverse("token_revoke", kwargs={"token_id": record.id})


def test_revoke_asks_for_confirmation_in_the_dialog(user_client, user):
    record, _ = api_token_create(owner=user, name="old laptop")
    response = user_client.get(revoke_url(record), headers=HX)
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="dialog-title"' in content and "Revoke token “old laptop”?" in content
    full = user_client.get(revoke_url(record)).content.decode()
    assert "<html" in full and "Revoke token “old laptop”?" in full
    assert ApiToken.objects.filter(id=record.id).exists()


def test_revoke_with_htmx_closes_the_dialog_and_refreshes_the_list(user_client, user):
    record, token = api_token_create(owner=user, name="old laptop")
    api_token_create(owner=user, name="keep me")
    response = user_client.post(revoke_url(record), headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "dialog:close" in response["HX-Trigger"]
    assert 'id="api-tokens" data-testid="api-tokens" hx-swap-oob="true"' in content
    assert "keep me" in content and "old laptop</td>" not in content
    assert "revoked" in content
    assert not ApiToken.objects.filter(id=record.id).exists()
    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/purchases").status_code == 401


def test_revoke_without_htmx_redirects(user_client, user):
    record, _ = api_token_create(owner=user, name="old")
    response = user_client.post(revoke_url(record))
    assert response["Location"] == "/settings#tokens"
    assert not ApiToken.objects.filter(id=record.id).exists()


def test_another_users_token_is_404_and_never_listed(user_client, other_user):
    record, _ = api_token_create(owner=other_user, name="mallory token")
    assert user_client.get(revoke_url(record)).status_code == 404
    assert user_client.post(revoke_url(record)).status_code == 404
    assert user_client.post(revoke_url(record), headers=HX).status_code == 404
    assert ApiToken.objects.filter(id=record.id).exists()
    assert "mallory token" not in user_client.get("/settings").content.decode()


@pytest.mark.parametrize("query", ["?page=abc", "?section=%00", "?theme=<script>"])
def test_bad_query_values_never_fail(user_client, query):
    assert user_client.get("/settings" + query).status_code == 200
    assert user_client.get("/settings/tokens" + query, headers=HX).status_code == 200
