"""The API documentation linked from the sidebar works offline under the strict policy."""

from playwright.sync_api import expect


def test_the_api_docs_render_from_this_sites_own_files(signed_in_page):
    page = signed_in_page
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API").click()
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    expect(page.get_by_text("/api/purchases").first).to_be_visible()
