"""Every page in light and dark themes, at desktop and phone widths: written to e2e/screenshots/
for people to look at, and checked for what a machine can see (no sideways scrolling on a phone,
no browser errors, the page's heading present)."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, new_context, open_dialog, screenshot, sign_in
from purchases.models import Purchase

THEMES = ("light", "dark")
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def demo_data(e2e_user):
    call_command("seed_demo", "alice", purchases=150, seed=7, stdout=io.StringIO())
    return e2e_user


def _pages(purchase_id) -> dict[str, str]:
    return {
        "dashboard": "/",
        "inventory": "/inventory",
        "purchase": f"/inventory/{purchase_id}",
        "warranties": "/warranties",
        "settings": "/settings",
    }


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_every_page_looks_finished(
    browser, live_server, browser_problems, demo_data, theme, viewport_name
):
    context = new_context(browser, live_server, browser_problems, VIEWPORTS[viewport_name])
    context.add_init_script(f"localStorage.setItem('spends-theme', '{theme}');")
    sign_in(context, demo_data, live_server.url)
    page = context.new_page()
    browser_problems.watch(page)
    purchase_id = (
        Purchase.objects.filter(owner=demo_data, warranty__isnull=False)
        .order_by("-purchase_date")
        .values_list("id", flat=True)
        .first()
    )
    try:
        for name, path in _pages(purchase_id).items():
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("data-bs-theme", theme)
            expect(page.locator("h1")).to_be_visible()
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport_name}"
            screenshot(page, f"{name}-{theme}-{viewport_name}")

        page.goto("/inventory")
        page.get_by_test_id("add-purchase").click()
        open_dialog(page)
        screenshot(page, f"purchase-dialog-{theme}-{viewport_name}")
    finally:
        context.close()
    assert browser_problems.problems == [], "\n".join(browser_problems.problems)


@pytest.mark.parametrize("theme", THEMES)
def test_sign_in_and_empty_dashboard_look_finished(
    browser, live_server, browser_problems, e2e_user, theme
):
    context = new_context(browser, live_server, browser_problems, DESKTOP)
    context.add_init_script(f"localStorage.setItem('spends-theme', '{theme}');")
    page = context.new_page()
    browser_problems.watch(page)
    try:
        page.goto("/login/")
        screenshot(page, f"login-{theme}")
        sign_in(context, e2e_user, live_server.url)
        page.goto("/")
        expect(page.get_by_text("Add your first purchase")).to_be_visible()
        screenshot(page, f"dashboard-empty-{theme}")
    finally:
        context.close()
    assert browser_problems.problems == [], "\n".join(browser_problems.problems)
