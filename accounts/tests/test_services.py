import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import ApiToken
from accounts.selectors import api_token_list, preferences_for, today_for
from accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    preferences_reset,
    preferences_update,
)
from spends.errors import NotFound

pytestmark = pytest.mark.django_db


def test_preferences_have_defaults_before_they_are_saved(user, settings):
    preferences = preferences_for(user)
    assert (preferences.currency_code, preferences.date_format, preferences.timezone) == (
        "USD", "MM/DD/YYYY", settings.TIME_ZONE,
    )  # fmt: skip


def test_preferences_update_validates_every_value_and_changes_nothing_on_error(user):
    preferences_update(user=user, currency_code="EUR", timezone="Europe/Berlin")
    with pytest.raises(ValidationError) as error:
        preferences_update(user=user, currency_code="XXX", date_format="DD.MM.YYYY")
    assert "currency_code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        preferences_update(user=user, timezone="Nowhere/Special")
    assert "timezone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        preferences_update(user=user, colour="blue")
    assert "colour" in error.value.message_dict
    user._spends_preferences = None
    stored = preferences_for(user)
    assert (stored.currency_code, stored.date_format, stored.timezone) == (
        "EUR", "MM/DD/YYYY", "Europe/Berlin",
    )  # fmt: skip
    preferences_reset(user=user)
    user._spends_preferences = None
    assert preferences_for(user).currency_code == "USD"


def test_today_is_the_date_in_the_users_time_zone(user):
    preferences_update(user=user, timezone="Pacific/Kiritimati")  # UTC+14
    expected = timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert today_for(user) == expected
    assert today_for(user) - timezone.now().date() in (datetime.timedelta(0), datetime.timedelta(1))


@pytest.mark.parametrize("saved", [True, False])
def test_a_tokens_owner_comes_with_their_preferences(user, saved, django_assert_num_queries):
    if saved:
        preferences_update(user=user, currency_code="EUR", timezone="Europe/Berlin")
    _, token = api_token_create(owner=user)
    api_token_authenticate(token)  # its first use is recorded

    with django_assert_num_queries(1):
        owner = api_token_authenticate(token)
        preferences = preferences_for(owner)

    assert owner == user
    expected = ("EUR", "Europe/Berlin") if saved else ("USD", preferences.timezone)
    assert (preferences.currency_code, preferences.timezone) == expected
    assert preferences._state.adding is not saved  # unsaved defaults when none were saved


def test_api_tokens_are_stored_hashed_and_can_be_revoked(user, other_user):
    record, token = api_token_create(owner=user, name="Home Assistant")
    assert token.startswith("spt_") and len(token) > 40
    stored = ApiToken.objects.get()
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    assert api_token_authenticate(token) == user
    assert ApiToken.objects.get().last_used_at is not None
    assert api_token_authenticate(token + "x") is None
    assert list(api_token_list(other_user)) == []
    with pytest.raises(NotFound):
        api_token_revoke(owner=other_user, token_id=record.id)
    api_token_revoke(owner=user, token_id=record.id)
    assert api_token_authenticate(token) is None
