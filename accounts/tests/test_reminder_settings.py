"""Settings › Reminders: the reminder emails' settings and the calendar feed's address."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import Preferences
from accounts.tests.factories import PreferencesFactory
from warranties.models import CalendarFeed
from warranties.services import calendar_feed_get_or_create

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
URL = "/settings/reminders"
REGENERATE_URL = "/settings/calendar/regenerate"
VALID = {"reminders_enabled": "on", "reminder_days_ahead": "14", "reminder_email": ""}


def section(content: str) -> str:
    """The Reminders section of the settings page."""
    start = content.index('id="reminders"')
    return content[start : content.index("</section>", start)]


def status_line(content: str) -> str:
    match = re.search(
        r'data-testid="reminders-(?:status|no-address)"[^>]*>(.*?)</(?:p|div)>', content, re.S
    )
    assert match, "no status line"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def shown_feed_url(content: str) -> str:
    return re.search(r'id="calendar-feed-url" value="([^"]+)"', content).group(1)


def saved(user) -> tuple:
    preferences = Preferences.objects.filter(user=user).first() or Preferences(user=user)
    return (
        preferences.reminders_enabled,
        preferences.reminder_days_ahead,
        preferences.reminder_email,
    )


# The section


def test_section_is_listed_right_after_preferences(user_client):
    content = user_client.get("/settings").content.decode()
    assert 'href="#reminders"' in content and 'id="reminders"' in content
    assert content.index('id="preferences"') < content.index('id="reminders"')
    assert content.index('id="reminders"') < content.index('id="appearance"')
    assert "bi-bell" in section(content)


def test_section_shows_the_defaults_and_the_account_address(user_client, user):
    content = section(user_client.get("/settings").content.decode())
    assert "Email me before a warranty ends" in content
    assert 'name="reminders_enabled"' in content and "checked" not in content
    assert 'name="reminder_days_ahead" value="30" min="1" max="365"' in content
    assert 'placeholder="alice@example.com"' in content
    assert "Leave empty to use your account’s address, alice@example.com." in content
    assert status_line(content) == "Reminders are off."


def test_status_names_the_address_used_and_the_days(user_client, user):
    PreferencesFactory(user=user, reminders_enabled=True, reminder_days_ahead=1)
    content = user_client.get("/settings").content.decode()
    assert (
        status_line(content) == "Reminders go to alice@example.com, 1 day before a warranty ends."
    )
    Preferences.objects.filter(user=user).update(reminder_email="me@work.example")
    content = user_client.get("/settings").content.decode()
    assert 'value="me@work.example"' in section(content)
    assert status_line(content) == "Reminders go to me@work.example, 1 day before a warranty ends."


def test_warning_when_reminders_are_on_without_any_address(user_client, user):
    get_user_model().objects.filter(pk=user.pk).update(email="")
    PreferencesFactory(user=user, reminders_enabled=True)
    content = section(user_client.get("/settings").content.decode())
    assert 'data-testid="reminders-no-address"' in content and 'role="alert"' in content
    assert "Nothing can be sent until you give one" in status_line(content)
    assert "Your account has no email address" in content
    # Off, the same missing address is no cause for a warning.
    Preferences.objects.filter(user=user).update(reminders_enabled=False)
    content = section(user_client.get("/settings").content.decode())
    assert 'data-testid="reminders-no-address"' not in content


def test_account_address_in_help_text_is_escaped(user_client, user):
    get_user_model().objects.filter(pk=user.pk).update(email='a"<b>@example.com')
    content = section(user_client.get("/settings").content.decode())
    assert "<b>" not in content and "&lt;b&gt;" in content


def test_region_alone_for_htmx_and_the_page_without(user_client):
    content = user_client.get(URL, headers=HX).content.decode()
    assert "<html" not in content
    assert content.strip().startswith('<form id="reminders-form"')
    assert "<html" in user_client.get(URL).content.decode()


# Saving


def test_saved_with_htmx(user_client, user):
    data = {**VALID, "reminder_email": "  me@work.example "}
    response = user_client.post(URL, data, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and content.strip().startswith('<form id="reminders-form"')
    assert "Reminder settings saved." in content  # the toast, out of band
    assert status_line(content) == (
        "Reminders go to me@work.example, 14 days before a warranty ends."
    )
    assert saved(user) == (True, 14, "me@work.example")


def test_saved_without_htmx_redirects_to_the_section(user_client, user):
    response = user_client.post(URL, VALID)
    assert response.status_code == 302
    assert response["Location"] == "/settings#reminders"
    assert saved(user) == (True, 14, "")
    page = user_client.get("/settings").content.decode()
    assert "Reminder settings saved." in page
    assert status_line(page) == "Reminders go to alice@example.com, 14 days before a warranty ends."


def test_turned_off_by_leaving_the_box_unticked(user_client, user):
    PreferencesFactory(user=user, reminders_enabled=True, reminder_email="me@work.example")
    response = user_client.post(
        URL, {"reminder_days_ahead": "30", "reminder_email": ""}, headers=HX
    )
    assert response.status_code == 200
    assert saved(user) == (False, 30, "")
    assert status_line(response.content.decode()) == "Reminders are off."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminder_days_ahead", "0", "Choose from 1 to 365 days ahead."),
        ("reminder_days_ahead", "366", "Choose from 1 to 365 days ahead."),
        ("reminder_days_ahead", "soon", "Give a whole number of days, from 1 to 365."),
        ("reminder_days_ahead", "", "This field is required."),
        ("reminder_email", "not-an-address", "Enter a valid email address."),
    ],
)
def test_bad_values_answer_422_beside_the_field_and_save_nothing(
    user_client, user, field, value, message
):
    PreferencesFactory(user=user, reminders_enabled=False, reminder_days_ahead=45)
    data = {**VALID, "reminder_email": "me@work.example", field: value}
    for headers in (HX, {}):
        response = user_client.post(URL, data, headers=headers)
        content = response.content.decode()
        assert response.status_code == 422
        assert f'id="id_{field}_error"' in content
        assert message in content
        assert 'aria-invalid="true"' in content
        assert "Reminder settings saved." not in content
        # What is saved is still what the status line tells.
        assert status_line(content) == "Reminders are off."
    assert saved(user) == (False, 45, "")


def test_only_get_and_post(user_client):
    assert user_client.delete(URL).status_code == 405
    assert user_client.put(URL).status_code == 405


# The calendar feed's address


def test_page_makes_the_feed_once_and_shows_its_full_address(user_client, user):
    assert not CalendarFeed.objects.filter(owner=user).exists()
    content = section(user_client.get("/settings").content.decode())
    feed = CalendarFeed.objects.get(owner=user)
    assert shown_feed_url(content) == f"http://testserver/calendar/{feed.secret}.ics"
    assert 'data-copy-target="#calendar-feed-url"' in content
    assert "Anyone with this address can see your warranty end dates." in content
    assert f'href="{REGENERATE_URL}"' in content and f'hx-get="{REGENERATE_URL}"' in content
    user_client.get("/settings")
    assert CalendarFeed.objects.get(owner=user).secret == feed.secret


def test_shown_address_answers_the_feed(user_client, user):
    url = shown_feed_url(user_client.get("/settings").content.decode())
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_page_query_count_once_the_feed_exists(user_client, user, django_assert_max_num_queries):
    calendar_feed_get_or_create(owner=user)
    # The budget of the settings page's own test (test_settings_views.py): a page view that
    # finds the feed reads it in one query and writes nothing.
    with django_assert_max_num_queries(8):
        user_client.get("/settings")


def test_other_regions_do_not_read_the_feed(user_client, user):
    user_client.get(URL, headers=HX)
    user_client.post(URL, VALID, headers=HX)
    assert not CalendarFeed.objects.filter(owner=user).exists()


def test_regenerate_asks_for_confirmation_in_the_dialog(user_client, user):
    feed = calendar_feed_get_or_create(owner=user)
    response = user_client.get(REGENERATE_URL, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert 'id="dialog-title"' in content and "Make a new calendar link?" in content
    assert "stops working" in content
    assert f'action="{REGENERATE_URL}"' in content and f'hx-post="{REGENERATE_URL}"' in content
    full = user_client.get(REGENERATE_URL).content.decode()
    assert "<html" in full and "Make a new calendar link?" in full
    assert CalendarFeed.objects.get(owner=user).secret == feed.secret


def test_regenerate_with_htmx_closes_the_dialog_and_shows_the_new_address(user_client, user):
    old = calendar_feed_get_or_create(owner=user)
    response = user_client.post(REGENERATE_URL, headers=HX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "dialog:close" in response["HX-Trigger"]
    region = re.search(r'<div id="calendar-feed"[^>]*>', content).group(0)
    assert 'hx-swap-oob="true"' in region
    new = CalendarFeed.objects.get(owner=user)
    assert new.secret != old.secret
    assert shown_feed_url(content) == f"http://testserver/calendar/{new.secret}.ics"
    assert "New calendar link made; the old one no longer works." in content
    assert Client().get(f"/calendar/{old.secret}.ics").status_code == 404
    assert Client().get(f"/calendar/{new.secret}.ics").status_code == 200


def test_regenerate_without_htmx_redirects_to_the_section(user_client, user):
    old = calendar_feed_get_or_create(owner=user)
    response = user_client.post(REGENERATE_URL)
    assert response.status_code == 302
    assert response["Location"] == "/settings#reminders"
    new = CalendarFeed.objects.get(owner=user)
    assert new.secret != old.secret
    page = user_client.get("/settings").content.decode()
    assert "New calendar link made; the old one no longer works." in page
    assert shown_feed_url(page).endswith(f"/calendar/{new.secret}.ics")


def test_one_users_regenerate_never_changes_anothers_feed(user_client, user, other_user):
    theirs = calendar_feed_get_or_create(owner=other_user)
    user_client.post(REGENERATE_URL, headers=HX)
    user_client.post(REGENERATE_URL)
    assert CalendarFeed.objects.get(owner=other_user).secret == theirs.secret
    assert theirs.secret not in user_client.get("/settings").content.decode()
    assert Client().get(f"/calendar/{theirs.secret}.ics").status_code == 200


def test_regenerate_only_get_and_post(user_client):
    assert user_client.delete(REGENERATE_URL).status_code == 405


@pytest.mark.parametrize("url", [URL, REGENERATE_URL])
def test_signed_out_requests_go_to_the_login(client, user, url):
    for response in (client.get(url), client.post(url, VALID)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not CalendarFeed.objects.exists()
    assert saved(user) == (False, 30, "")
