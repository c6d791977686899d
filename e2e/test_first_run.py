"""First run, sign-in and the theme: the journeys that every page shares."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import sign_in


def test_first_run_creates_the_first_account_and_signs_in(page, live_server, transactional_db):
    page.goto("/inventory")
    expect(page).to_have_url(f"{live_server.url}/setup")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status").filter(has_text="Welcome, owner")).to_be_visible()
    owner = get_user_model().objects.get()
    assert owner.username == "owner" and owner.is_superuser
    # Once someone exists, the set-up page is gone.
    response = page.request.get("/setup")
    assert response.status == 404


def test_sign_out_and_in_again(page, live_server, e2e_user):
    page.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("button", name="alice").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/inventory")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/inventory")


def test_the_theme_choice_survives_a_reload_without_a_flash(signed_in_page):
    page = signed_in_page
    page.goto("/")
    html = page.locator("html")
    page.get_by_role("button", name="Theme").click()
    page.get_by_role("button", name="Dark").click()
    expect(html).to_have_attribute("data-bs-theme", "dark")

    # The head script sets the theme before the first paint: read the attribute as soon as the
    # document exists, before stylesheets and deferred scripts have run.
    page.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        " if (!window.__firstTheme) window.__firstTheme ="
        " document.documentElement.getAttribute('data-bs-theme'); }, {once: true});"
    )
    page.reload()
    expect(html).to_have_attribute("data-bs-theme", "dark")
    assert page.evaluate("window.__firstTheme") == "dark"

    page.get_by_role("button", name="Theme").click()
    page.get_by_role("button", name="Light").click()
    page.reload()
    expect(html).to_have_attribute("data-bs-theme", "light")


def test_the_browser_checks_catch_policy_violations_and_other_hosts(
    signed_in_page, browser_problems
):
    """The net under every browser test: an inline style refused by the Content Security Policy
    and a request to another host are both recorded as problems (and would fail the test)."""
    page = signed_in_page
    page.goto("/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.evaluate("fetch('http://example.com/tracker.js').catch(() => null)")
    with pytest.raises(PlaywrightError):
        page.goto("http://example.com/")
    page.wait_for_timeout(300)
    problems = "\n".join(browser_problems.problems)
    assert "Applying inline style violates" in problems
    assert 'violates the following Content Security Policy directive: "connect-src' in problems
    assert "request to another host: http://example.com/" in problems
    browser_problems.problems.clear()


def test_on_a_phone_the_sidebar_opens_from_its_toggle(phone_page, e2e_user, live_server):
    page = phone_page
    sign_in(page.context, e2e_user, live_server.url)
    page.goto("/")
    navigation = page.get_by_role("navigation", name="Main")
    inventory_link = navigation.get_by_role("link", name="Inventory")
    expect(inventory_link).to_be_hidden()
    page.get_by_role("button", name="Open menu").click()
    expect(inventory_link).to_be_visible()
    inventory_link.click()
    expect(page).to_have_url(f"{live_server.url}/inventory")
    expect(inventory_link).to_be_hidden()
