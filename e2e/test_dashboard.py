"""The dashboard draws its charts from the user's own data, and its period and currency
selectors swap it in place with the address bar following."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.selectors import today_for
from catalog.tests.factories import BrandFactory, RetailerFactory
from purchases.tests.factories import PurchaseFactory
from spends.dates import add_months


def chart_data(page, chart: str) -> dict:
    """The labels and datasets that Chart.js really drew on the canvas."""
    canvas = page.locator(f'canvas[data-chart="{chart}"][data-drawn="true"]')
    expect(canvas).to_be_visible()
    return canvas.evaluate(
        "canvas => { const chart = Chart.getChart(canvas);"
        " return {labels: chart.data.labels,"
        " datasets: chart.data.datasets.map(d => ({label: d.label, data: d.data}))}; }"
    )


@pytest.fixture
def known_purchases(e2e_user):
    """This month: 2 purchases for $100.50 in all; two months ago: 1 for $40; five months ago:
    1 for $9.99; and one purchase in euros."""
    today = today_for(e2e_user)
    this_month = today.replace(day=1)
    shop = RetailerFactory(owner=e2e_user, name="Corner Shop")
    other_shop = RetailerFactory(owner=e2e_user, name="Online Mall")
    brand = BrandFactory(owner=e2e_user, name="Acme")
    PurchaseFactory(
        owner=e2e_user, price=Decimal("60.25"), purchase_date=this_month, retailer=shop, brand=brand
    )
    PurchaseFactory(
        owner=e2e_user, price=Decimal("40.25"), purchase_date=this_month, retailer=shop, brand=brand
    )
    PurchaseFactory(
        owner=e2e_user,
        price=Decimal("40.00"),
        purchase_date=add_months(this_month, -2),
        retailer=other_shop,
    )
    PurchaseFactory(owner=e2e_user, price=Decimal("9.99"), purchase_date=add_months(this_month, -5))
    PurchaseFactory(
        owner=e2e_user, price=Decimal("15.50"), currency_code="EUR", purchase_date=this_month
    )
    return today


def test_charts_are_drawn_with_the_users_numbers(signed_in_page, known_purchases):
    page = signed_in_page
    page.goto("/")
    card = page.get_by_test_id("card-spent").get_by_test_id("card-value")
    expect(card).to_have_text("$150.49")
    expect(page.get_by_test_id("card-count").get_by_test_id("card-value")).to_have_text("4")

    spending = chart_data(page, "spending")
    assert len(spending["labels"]) == 12
    amounts, counts = (dataset["data"] for dataset in spending["datasets"])
    assert amounts[-1] == 100.5 and counts[-1] == 2
    assert amounts[-3] == 40 and counts[-3] == 1
    assert amounts[-6] == 9.99 and counts[-6] == 1
    assert sum(counts) == 4

    retailers = chart_data(page, "retailers")
    assert dict(zip(retailers["labels"], retailers["datasets"][0]["data"], strict=True)) == {
        "Corner Shop": 2,
        "Online Mall": 1,
        "No retailer": 1,
    }
    brands = chart_data(page, "brands")
    assert dict(zip(brands["labels"], brands["datasets"][0]["data"], strict=True)) == {
        "Acme": 2,
        "No brand": 2,
    }
    chart_data(page, "warranties")


def test_the_period_and_currency_selectors_swap_the_dashboard(signed_in_page, known_purchases):
    page = signed_in_page
    page.goto("/")
    chart_data(page, "spending")
    page.get_by_test_id("period-3").click()
    expect(page).to_have_url(re.compile(r"months=3"))
    expect(page.get_by_test_id("card-spent").get_by_test_id("card-value")).to_have_text("$140.50")
    spending = chart_data(page, "spending")
    assert len(spending["labels"]) == 3
    assert spending["datasets"][0]["data"] == [40, 0, 100.5]

    page.get_by_test_id("currency-select").select_option("EUR")
    expect(page.get_by_test_id("card-spent").get_by_test_id("card-value")).to_have_text("€15.50")
    expect(page).to_have_url(re.compile(r"currency=EUR"))

    page.go_back()
    expect(page.get_by_test_id("card-spent").get_by_test_id("card-value")).to_have_text("$140.50")
    page.go_back()
    expect(page.get_by_test_id("card-spent").get_by_test_id("card-value")).to_have_text("$150.49")
    assert len(chart_data(page, "spending")["labels"]) == 12


def test_a_hidden_card_stays_hidden(signed_in_page, known_purchases):
    page = signed_in_page
    page.goto("/")
    page.get_by_test_id("customise-cards").click()
    page.get_by_label("Total spent").uncheck()
    expect(page.get_by_test_id("card-spent")).to_be_hidden()
    # Hidden from the first paint: when the document has been parsed, before the deferred
    # scripts (cards.js among them) run, the card is already not displayed.
    page.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        " const card = document.querySelector('[data-card=spent]');"
        " if (card && window.__firstDisplay === undefined)"
        " window.__firstDisplay = getComputedStyle(card).display; });"
    )
    page.reload()
    expect(page.get_by_test_id("card-spent")).to_be_hidden()
    assert page.evaluate("window.__firstDisplay") == "none"
    expect(page.get_by_test_id("card-count")).to_be_visible()
    page.goto("/settings")
    expect(page.get_by_label("Total spent")).not_to_be_checked()
    page.get_by_label("Total spent").check()
    page.goto("/")
    expect(page.get_by_test_id("card-spent")).to_be_visible()


def test_an_empty_account_gets_a_start_not_empty_charts(signed_in_page):
    page = signed_in_page
    page.goto("/")
    expect(page.get_by_text("Add your first purchase")).to_be_visible()
    expect(page.locator("canvas")).to_have_count(0)
    page.get_by_test_id("start-add-purchase").click()
    expect(page.get_by_label("Product")).to_be_visible()
