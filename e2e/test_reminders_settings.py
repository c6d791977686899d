"""Settings › Reminders: reminder emails turned on, a wrong value refused, and the calendar feed's
address shown, fetched and regenerated."""

import pytest
from playwright.sync_api import expect

from accounts.models import Preferences
from e2e.conftest import SCREENSHOT_DIR, close_toasts, open_dialog, screenshot, sign_in
from warranties.models import CalendarFeed
from warranties.tests.factories import WarrantyFactory


def reminder_settings(user) -> tuple:
    preferences = Preferences.objects.get(user=user)
    return (
        preferences.reminders_enabled,
        preferences.reminder_days_ahead,
        preferences.reminder_email,
    )


def section_screenshots(page, name: str) -> None:
    """The whole page (the `screenshot` helper) and the Reminders section alone, in a window
    tall enough to hold the whole page (so that the sticky top bar is not drawn across the
    section), without the toasts in front of it; the window is given back its size after."""
    close_toasts(page)
    size = dict(page.viewport_size)
    page.set_viewport_size({"width": size["width"], "height": 100})
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"{name}-page")
    page.get_by_test_id("settings-reminders").screenshot(path=SCREENSHOT_DIR / f"{name}.png")
    page.set_viewport_size(size)


def test_turn_reminders_on_and_regenerate_the_calendar_link(
    signed_in_page, e2e_user, browser_problems, live_server
):
    WarrantyFactory(purchase__owner=e2e_user, purchase__product_name="Espresso machine")
    page = signed_in_page
    page.goto("/settings#reminders")
    form = page.get_by_test_id("reminders-form")
    expect(page.get_by_test_id("reminders-status")).to_have_text("Reminders are off.")
    expect(form.get_by_label("Send to")).to_have_attribute("placeholder", "alice@example.com")

    form.get_by_label("Email me before a warranty ends").check()
    form.get_by_label("Days ahead").fill("14")
    form.get_by_label("Send to").fill("alerts@example.com")
    page.get_by_test_id("reminders-save").click()
    expect(page.get_by_role("status").filter(has_text="Reminder settings saved.")).to_be_visible()
    expect(page.get_by_test_id("reminders-status")).to_have_text(
        "Reminders go to alerts@example.com, 14 days before a warranty ends."
    )
    assert reminder_settings(e2e_user) == (True, 14, "alerts@example.com")

    # A value out of range: the server's message beside the field, nothing saved.
    browser_problems.expected_statuses.add(422)
    form.get_by_label("Days ahead").fill("400")
    page.get_by_test_id("reminders-save").click()
    expect(page.locator("#id_reminder_days_ahead_error")).to_have_text(
        "Choose from 1 to 365 days ahead."
    )
    expect(form.get_by_label("Days ahead")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("reminders-status")).to_contain_text("14 days")
    assert reminder_settings(e2e_user) == (True, 14, "alerts@example.com")

    # The calendar address answers the feed, without the browser's session too.
    old_url = page.get_by_test_id("calendar-feed-url").input_value()
    secret = CalendarFeed.objects.get(owner=e2e_user).secret
    assert old_url == f"{live_server.url}/calendar/{secret}.ics"
    response = page.request.get(old_url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Warranty ends: Espresso machine" in response.text()

    section_screenshots(page, "settings-reminders-desktop")

    page.get_by_test_id("calendar-regenerate").click()
    dialog = open_dialog(page)
    expect(dialog.get_by_role("heading")).to_have_text("Make a new calendar link?")
    expect(dialog).to_contain_text("stops working")
    dialog.get_by_test_id("calendar-regenerate-confirm").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="New calendar link made")).to_be_visible()
    expect(page.get_by_test_id("calendar-feed-url")).not_to_have_value(old_url)
    new_url = page.get_by_test_id("calendar-feed-url").input_value()
    assert new_url.endswith(f"/calendar/{CalendarFeed.objects.get(owner=e2e_user).secret}.ics")
    assert page.request.get(old_url).status == 404
    assert page.request.get(new_url).status == 200


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_reminders_section_fits_a_phone(phone_page, e2e_user, live_server, theme):
    Preferences.objects.create(user=e2e_user, reminders_enabled=True, reminder_days_ahead=14)
    page = phone_page
    page.context.add_init_script(f"localStorage.setItem('spends-theme', '{theme}');")
    sign_in(page.context, e2e_user, live_server.url)
    page.goto("/settings#reminders")
    expect(page.get_by_test_id("reminders-status")).to_have_text(
        "Reminders go to alice@example.com, 14 days before a warranty ends."
    )
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the settings page scrolls sideways by {overflow}px on a phone"
    copy = page.get_by_test_id("calendar-feed-copy")
    field = page.get_by_test_id("calendar-feed-url")
    copy.scroll_into_view_if_needed()
    expect(copy).to_be_in_viewport()
    field_box, copy_box = field.bounding_box(), copy.bounding_box()
    assert field_box["width"] > 150, "the address field is too narrow to read"
    assert copy_box["x"] + copy_box["width"] <= page.viewport_size["width"]
    section_screenshots(page, f"settings-reminders-{theme}-phone")
